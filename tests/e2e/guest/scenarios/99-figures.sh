# Figures of the real system after every scenario (printed by
# bench/e2e-figures, never asserted): lfad's memory.

pid=$(lfad_pid)
check "lfad is running" test "$pid" -gt 0
rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$pid/status)
anon=$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$pid/status)
check "VmRSS read" test -n "$rss"
bench lfad-vmrss "$rss" kB
bench lfad-rssanon "$anon" kB
bench guest-multi-user-reached \
        $(( $(systemctl show -P ActiveEnterTimestampMonotonic multi-user.target) / 1000 )) ms
