# A hung lfad (SIGSTOP) stops pinging the watchdog; systemd kills and
# restarts it. The shipped WatchdogSec=1min is shortened with a drop-in, the
# way an admin changes it, so the test does not wait a minute.

dropin=/run/systemd/system/lfad.service.d/50-e2e-watchdog.conf
level=$(systemd-analyze log-level)
mkdir -p "$(dirname "$dropin")"
printf '[Service]\nWatchdogSec=5s\n' >"$dropin"
trap 'systemd-analyze log-level "$level"; rm -f "$dropin"; systemctl daemon-reload' EXIT
systemctl daemon-reload
check "restart lfad with WatchdogSec=5s" systemctl restart lfad.service
check_eq "the watchdog is armed" 5s "$(systemctl show -P WatchdogUSec lfad.service)"
pid=$(lfad_pid)
started=$(systemctl show -P ExecMainStartTimestampMonotonic lfad.service)
# systemd notes every WATCHDOG=1 (lfad pings at half the interval) in
# WatchdogTimestamp but sends no PropertiesChanged for it; at debug level
# PID 1 logs each notification it gets: the scenario waits on that journal
# entry, PID 1 at debug for the two pings only.
cursor=$(journal_cursor)
check "PID 1 logs at debug" systemd-analyze log-level debug
exec {jfd}< <(exec journalctl -q -f --no-tail --no-pager -o cat --after-cursor="$cursor")
jpid=$!
ping="Got notification message from PID $pid \\(WATCHDOG=1\\)"
check "lfad pinged the watchdog (PID 1: $ping)" pipe_until "$jfd" 15 "$ping"
check "and again" pipe_until "$jfd" 15 "$ping"
kill "$jpid" 2>/dev/null || true
exec {jfd}<&-
check "PID 1 back at $level" systemd-analyze log-level "$level"
check "WatchdogTimestamp moved past lfad's start" \
        test "$(systemctl show -P WatchdogTimestampMonotonic lfad.service)" -gt "$started"
check_eq "still the same process" "$pid" "$(lfad_pid)"
restarts=$(systemctl show -P NRestarts lfad.service)
cursor=$(journal_cursor)
check "SIGSTOP lfad" kill -STOP "$pid"
wait_journal 40 "systemd restarted the hung lfad (Started lfad.service)" "$cursor" \
        MESSAGE_ID=39f53479d3a045ac8e11786248231fbf UNIT=lfad.service
check "a new lfad" test "$(lfad_pid)" != "$pid"
check_eq "lfad is active" active "$(systemctl show -P ActiveState lfad.service)"
check_eq "one restart" $((restarts + 1)) "$(systemctl show -P NRestarts lfad.service)"
check "systemd logged the watchdog timeout" \
        bash -c "journalctl --after-cursor='$cursor' -o cat | grep -q -i 'lfad.service: watchdog timeout'"
check "the restarted lfad serves" busctl call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager ListComponents
