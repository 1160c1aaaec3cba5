# fish completion for zcp

complete -c zcp -l method -x -a 'auto reflink copy_file_range sendfile splice readwrite' -d 'Copy by this path only, or auto'
complete -c zcp -l pipe-size -x -d 'Grow pipes to SIZE bytes (e.g. 1M)'
complete -c zcp -l reflink -f -a 'auto always never' -d 'Control clone/CoW copies'
complete -c zcp -l trace -d 'Print each method tried and its outcome'
complete -c zcp -l debug -d 'Same as --trace'
complete -c zcp -l help -d 'Display help and exit'
complete -c zcp -l version -d 'Output version information and exit'
