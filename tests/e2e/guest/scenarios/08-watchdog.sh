# A hung lfad (SIGSTOP) stops pinging the watchdog; systemd kills and
# restarts it. The shipped WatchdogSec=1min is shortened with a drop-in, the
# way an admin changes it, so the test does not wait a minute.

dropin=/run/systemd/system/lfad.service.d/50-e2e-watchdog.conf
mkdir -p "$(dirname "$dropin")"
printf '[Service]\nWatchdogSec=5s\n' >"$dropin"
trap 'rm -f "$dropin"; systemctl daemon-reload' EXIT
systemctl daemon-reload
check "restart lfad with WatchdogSec=5s" systemctl restart lfad.service
check_eq "the watchdog is armed" 5s "$(systemctl show -P WatchdogUSec lfad.service)"
pid=$(lfad_pid)
# systemd notes every WATCHDOG=1 (lfad pings at half the interval) in
# WatchdogTimestamp, but sends no PropertiesChanged for it and logs
# nothing per ping: no event to wait on, so a bounded retry (wait_for).
started=$(systemctl show -P ExecMainStartTimestampMonotonic lfad.service)
wait_for 10 "lfad pinged the watchdog after it started" \
        'test "$(systemctl show -P WatchdogTimestampMonotonic lfad.service)" -gt "$started"'
pinged=$(systemctl show -P WatchdogTimestampMonotonic lfad.service)
wait_for 10 "and again" \
        'test "$(systemctl show -P WatchdogTimestampMonotonic lfad.service)" -gt "$pinged"'
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
