/* The xxfi_* callbacks: translate the milter protocol into one engine call
 * per message and apply its verdict. */
#ifndef SS_CALLBACKS_H
#define SS_CALLBACKS_H

#include <libmilter/mfapi.h>

extern struct smfiDesc ss_filter;

#endif
