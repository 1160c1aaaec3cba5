/*
 * path: names as cp takes them apart and puts them together.
 */
#ifndef ZCP_PATH_H
#define ZCP_PATH_H

const char	*last_component(const char *);
void		 strip_trailing_slashes(char *);
char		*path_join(const char *, const char *);
char		*dir_part(const char *);

#endif
