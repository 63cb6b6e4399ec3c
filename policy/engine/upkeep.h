/* Keeping the register current while the daemon runs (issue 17): fetch
 * RegisterURL every RegisterFetchInterval, sooner after a failure with
 * back-off (register/fetch.h); swap a newly installed register in, as
 * SIGUSR1 would; and while the register in force is stale or its updates
 * fail, tell AdminAddress and DSLAddress (the notice "register") when the
 * problem is new and then once a day, remembering when and what in
 * StateDir/register.alerted so a restart does not repeat it. A failed
 * update changes nothing. */
#ifndef SS_ENGINE_UPKEEP_H
#define SS_ENGINE_UPKEEP_H

#include <time.h>

/* One round at time now, on the current snapshot; conf_path is what a
 * reload reads. Returns the seconds until the next round is due. */
long ss_upkeep_round(const char *conf_path, time_t now);

#endif
