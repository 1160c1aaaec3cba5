/*
 * throttle: --bwlimit, a cap on the bytes a second the engine moves.
 */
#ifndef ZCP_THROTTLE_H
#define ZCP_THROTTLE_H

#include <sys/types.h>
#include <stdint.h>

struct throttle {
	double		 rate;		/* bytes a second */
	double		 burst;		/* seconds of credit an idle pause
					 * may save up */
	double		 next;		/* when the bytes paid for are due */
};

void	 throttle_init(struct throttle *, uint64_t);
off_t	 throttle_chunk(const struct throttle *, off_t);
void	 throttle_pay(struct throttle *, off_t);

#endif
