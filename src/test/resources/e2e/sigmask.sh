#!/bin/sh
# Prints the blocked and ignored signal masks it was started with. exec, not a child: a shell blocks signals
# around its own forks, and a child reading /proc/$$/status could catch it in that moment.
exec grep -E '^Sig(Blk|Ign)' /proc/self/status
