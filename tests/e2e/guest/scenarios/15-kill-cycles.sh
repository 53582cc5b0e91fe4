# kill -9 of lfad at random points across activation cycles (issue 13
# item 3, the VM's short run; the simulated platform's long one is in the
# integration suite, TestCrashCycles). Each cycle: a store update of RMM
# or BMC (policy immediate), SIGKILL of lfad (systemctl kill) after a
# random delay that falls before, during or after the driver's writes,
# systemd restarts it, then: the activation happened exactly once (the
# agent's record), its attempt is in History() as lfad's own (trigger auto,
# success, the version), `lfactl --json history` parses with every field,
# the bus answers, and every component's properties equal the driver's
# sysfs. E2E_KILL_CYCLES (default 6: about 60 s under TCG) and
# E2E_KILL_SEED (default: the time; printed) repeat a run.

cycles=${E2E_KILL_CYCLES:-6}
seed=${E2E_KILL_SEED:-$(date +%s)}
RANDOM=$seed
echo "  seed $seed (E2E_KILL_SEED=$seed repeats the kill points), $cycles cycles"

platform demo.scn 3
# Activations in rounds (the driver sleeps between them, outside
# stop_machine), so that a kill often lands inside the "activate" write.
agent_ctl "set uuid=$RMM activate_rounds=20"
agent_ctl "set uuid=$BMC activate_rounds=20"
# A retry after an attempt that died with lfad (EINTR) in a second, not
# the default minute.
policy_set 50-kill <<EOF_POLICY
[Defaults]
RetryDelaySec=1
[Component $RMM]
AutoActivate=immediate
[Component $BMC]
AutoActivate=immediate
CpuRendezvous=skip
EOF_POLICY

# history_count UUID VERSION SINCE_USEC: "ROWS MATCHING" of `lfactl --json
# history 0`: every row, and the rows of UUID's successful automatic
# activation to VERSION that started at SINCE_USEC (realtime) or later (the
# earlier scenarios made such rows too). Fails (perl dies) unless the
# output is a JSON array of objects with every key of lfactl(1)'s history.
history_count() {
        lfactl --json history 0 | perl -MJSON::PP -e '
                my ($u, $v, $since) = @ARGV;
                local $/;
                my $h = decode_json(<STDIN>);
                die "not an array\n" unless ref $h eq "ARRAY";
                for my $r (@$h) {
                        for my $k (qw(uuid name action trigger version_before version_after
                                      rendezvous start_usec duration_usec result error)) {
                                die "a row without $k\n" unless ref $r eq "HASH" && exists $r->{$k};
                        }
                }
                my $n = grep { $_->{uuid} eq $u && $_->{action} eq "activate" &&
                               $_->{trigger} eq "auto" && $_->{result} eq "success" &&
                               $_->{version_after} eq $v && $_->{start_usec} >= $since } @$h;
                print scalar(@$h), " $n\n";' "$1" "$2" "$3"
}

# activated UUID VERSION: the driver shows VERSION running, nothing
# pending, idle (read with builtins: the calibration polls it closely).
activated() {
        local cur pending state
        read -r cur <"$SYSFS/$1/current_version"
        read -r pending <"$SYSFS/$1/activation_pending"
        read -r state <"$SYSFS/$1/state"
        [ "$cur" = "$2" ] && [ "$pending" = 0 ] && [ "$state" = idle ]
}

# One store update of each, activated with lfad left alone: how long the
# update takes to be activated here (to the journal's time of lfad's
# "activation succeeded" entry); the kill points are drawn from 0 to 1.25
# times that.
declare -A span_ms=()
calibrate() {
        local t0 ts ms cursor
        cursor=$(journal_cursor)
        t0=$(date +%s%6N)
        agent_ctl "store-update uuid=$1 pending_version=$2"
        wait_journal 60 "calibration: lfad activated $1" "$cursor" \
                MESSAGE_ID=cb3cc80d9428450f9e0200d5f39cb04d "LFA_UUID=$1"
        ts=$(sed -n 's/.*"__REALTIME_TIMESTAMP"[[:space:]]*:[[:space:]]*"\([0-9]*\)".*/\1/p' <<<"$JOURNAL_ENTRY")
        [ -n "$ts" ] || fail "calibration: no __REALTIME_TIMESTAMP in $JOURNAL_ENTRY"
        wait_bus 60 "calibration: the driver shows $1 at $2" "activated $1 $2"
        ms=$(( (ts - t0) / 1000 ))
        span_ms[$1]=$(( ms * 5 / 4 + 1 ))
        pass "calibration: $1 activated to $2 in $ms ms; kill points 0-${span_ms[$1]} ms after its updates"
}
calibrate "$RMM" 1.3
calibrate "$BMC" 4.2
rmm_minor=3
bmc_minor=2
declare -A points=()
start=$(date +%s)

for ((i = 1; i <= cycles; i++)); do
        if ((i % 2)); then
                uuid=$BMC
                bmc_minor=$((bmc_minor + 1))
                ver=4.$bmc_minor
        else
                uuid=$RMM
                rmm_minor=$((rmm_minor + 1))
                ver=1.$rmm_minor
        fi
        # Up since the calibration or the previous cycle's restart.
        check "cycle $i: lfad up" lfad_ready
        pid=$(lfad_pid)
        since=$(now_us)
        counts=$(history_count "$uuid" "$ver" "$since") || fail "cycle $i: lfactl --json history does not parse"
        rows_before=${counts% *}
        agent_calls_clear
        # The kills come faster than systemd's default start limit (5 in
        # 10 s) allows: forget the earlier starts, as an operator would.
        systemctl reset-failed lfad.service
        delay=$(( RANDOM % ${span_ms[$uuid]} ))
        agent_ctl "store-update uuid=$uuid pending_version=$ver"
        # The random point itself, not a wait for anything.
        sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
        cursor=$(journal_cursor)
        systemctl kill -s KILL lfad.service
        # Where the kill landed, as the driver shows it.
        if activated "$uuid" "$ver"; then
                point=after
        else
                point=$(cat "$SYSFS/$uuid/state")
                [ "$point" = idle ] && point=before
        fi
        points[$point]=$(( ${points[$point]:-0} + 1 ))
        echo "  cycle $i: $uuid -> $ver, killed $delay ms after the update: $point"

        # systemd logs "Started" once the new lfad sent READY=1.
        wait_journal 60 "cycle $i: systemd restarted lfad" "$cursor" \
                MESSAGE_ID=39f53479d3a045ac8e11786248231fbf UNIT=lfad.service
        check "cycle $i: a new lfad, ready" \
                bash -c 'p=$(systemctl show -P MainPID lfad.service); test "$p" != 0 && test "$p" != "$1"' sh "$pid"
        check "cycle $i: it is on the bus" lfad_ready
        wait_bus 60 "cycle $i: activated to $ver" 'activated "$uuid" "$ver"'
        wait_bus 60 "cycle $i: History() has lfad's attempt (auto, success, $ver)" \
                'test "$(history_count "$uuid" "$ver" "$since" | cut -d" " -f2)" -ge 1'
        # Barrier: Refresh() returns after lfad re-read the inventory and
        # scheduled; nothing is pending, so nothing may start.
        check "cycle $i: the bus answers: Refresh()" lfad_call Refresh
        check_eq "cycle $i: lfad idle" idle "$(prop_manager State)"
        check_eq "cycle $i: one ACTIVATE completed for the update" 1 "$(activations)"
        counts=$(history_count "$uuid" "$ver" "$since") || fail "cycle $i: lfactl --json history does not parse"
        rows=${counts% *}
        matching=${counts#* }
        check_eq "cycle $i: one history row for it" 1 "$matching"
        check "cycle $i: no row lost ($rows_before -> $rows)" test "$rows" -gt "$rows_before"
        bus=$(bus_model)
        sys=$(sysfs_model)
        if [ "$bus" != "$sys" ]; then
                echo "    sysfs (<) and bus (>):"
                diff <(echo "$sys") <(echo "$bus") | sed 's/^/    /' || true
        fi
        check_eq "cycle $i: every component on the bus equals the driver's sysfs" "$sys" "$bus"
done

secs=$(( $(date +%s) - start ))
summary=""
for p in "${!points[@]}"; do
        summary="$summary $p=${points[$p]}"
done
echo "  $cycles kill cycles survived in $secs s; kill points:$summary"
bench e2e-kill-cycles-survived "$cycles" cycles
bench e2e-kill-cycle-mean $(( secs * 1000 / cycles )) ms
