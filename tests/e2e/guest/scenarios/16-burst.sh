# e2e-timeout: 300
# A burst of store-update notifications at kernel speed while clients
# hammer lfad (issue 13 item 4, the VM's run; the simulated platform's is
# the integration suite's TestLoad and bench/bench-load.py): the test
# agent plays E2E_BURST_UPDATES (default 1000) store updates, cycling over
# the demo's three components, from two writes of its control file, each
# update a store change and the driver's notification path as on the
# firmware's interrupt, while 8 bus clients (bench/bus-client.c: C on
# sd-bus) make E2E_BURST_CALLS (default 10000) Properties.Get calls each.
# Then: no client error and every call answered; nothing lost (lfad's
# model of every component equals the driver's sysfs, each pending at the
# last version the burst gave it); nothing activated (the default policy:
# AutoActivate=never); lfad's VmRSS and fd count flat, sampled before,
# during and after. Figures: the burst's rate, the calls' rate and p99.

updates=${E2E_BURST_UPDATES:-1000}
calls=${E2E_BURST_CALLS:-10000}
clients=8
uuids=("$BL31" "$RMM" "$BMC")
work=$(mktemp -d)

platform demo.scn 3
agent_calls_clear

# sample: "VmRSS_kB fds" of lfad.
sample() {
        local pid
        pid=$(lfad_pid)
        echo "$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status") $(ls "/proc/$pid/fd" | wc -l)"
}

# The burst's statements, in two writes (the control file takes 64 KiB
# at a time); the last version each component gets is remembered.
declare -A last=()
half=$((updates / 2))
for ((i = 0; i < updates; i++)); do
        u=${uuids[i % 3]}
        last[$u]=9.$i
        echo "store-update uuid=$u pending_version=9.$i" >>"$work/burst-$((i < half ? 1 : 2))"
done

# Warm-up calls (the first ones allocate for good), then the baseline.
"$E2E/bin/bus-client" "$BUS_NAME" "$BUS_PATH" org.lfa.Manager State 60 200 >/dev/null ||
        fail "warm-up calls failed"
read -r rss0 fds0 < <(sample)
pid0=$(lfad_pid)

pids=()
for ((c = 0; c < clients; c++)); do
        "$E2E/bin/bus-client" "$BUS_NAME" "$BUS_PATH" org.lfa.Manager State 240 "$calls" \
                >"$work/client-$c.out" 2>"$work/client-$c.err" &
        pids+=($!)
done
t0=$(now_us)
cat "$work/burst-1" >"$AGENT/control"
cat "$work/burst-2" >"$AGENT/control"
burst_us=$(( $(now_us) - t0 ))
read -r rss1 fds1 < <(sample)

bad=0
for ((c = 0; c < clients; c++)); do
        wait "${pids[c]}" || { bad=$((bad + 1)); sed 's/^/  /' "$work/client-$c.err"; }
done
check "8 clients: every call answered, no error" test "$bad" -eq 0
total=$(awk -F'[= ]' '/^calls=/ { n += $2 } END { print n + 0 }' "$work"/client-*.out)
check_eq "calls answered" $((clients * calls)) "$total"

# Nothing lost: lfad's model is the driver's, at the burst's last word.
expect_sysfs() {
        local u v
        for u in "${uuids[@]}"; do
                read -r v <"$SYSFS/$u/pending_version"
                [ "$v" = "${last[$u]}" ] || return 1
        done
}
check "the driver holds each component's last version of the burst" expect_sysfs
wait_bus 60 "lfad's model of every component equals the driver's sysfs" \
        'test "$(bus_model)" = "$(sysfs_model)"'
for u in "${uuids[@]}"; do
        check_eq "$u: PendingVersion" "${last[$u]}" "$(prop_component "$u" PendingVersion)"
done
check_eq "nothing activated during the burst (the agent's ACTIVATE calls)" 0 "$(calls ACTIVATE | wc -l)"
check_eq "lfad is the same process" "$pid0" "$(lfad_pid)"

# Flat: a leaked fd, or 512 bytes or more per call or per uevent, would show.
read -r rss2 fds2 < <(sample)
echo "  lfad VmRSS/fds: before $rss0 kB/$fds0, during $rss1 kB/$fds1, after $rss2 kB/$fds2"
check "lfad's fds flat (before $fds0, after $fds2)" test $((fds2 - fds0)) -le 2
check "lfad's VmRSS flat (before $rss0 kB, after $rss2 kB)" test $((rss2 - rss0)) -le 2048

p99=$(sed -n 's/.* p99_us=\([0-9.]*\) .*/\1/p' "$work"/client-*.out | sort -n | tail -n 1)
rate=$(sed -n 's/.* rate=\([0-9]*\) .*/\1/p' "$work"/client-*.out | awk '{ n += $1 } END { print n + 0 }')
bench e2e-burst-updates-per-s $(( updates * 1000000 / (burst_us > 0 ? burst_us : 1) )) "/s"
bench e2e-burst-calls-per-s "$rate" "/s"
bench e2e-burst-status-call-p99 "$p99" us
bench e2e-burst-lfad-rss-growth $((rss2 - rss0)) kB
rm -rf "$work"
