# store update -> uevent -> policy -> activation on both vCPUs under
# stop_machine() -> PropertiesChanged and activation signals seen by a
# client -> history on disk and in the journal.

platform demo.scn 3
policy_set 50-rmm <<EOF_POLICY
[Component $RMM]
AutoActivate=immediate
EOF_POLICY

mon=/run/lfa-e2e/02-monitor.json
: >"$mon"
exec {monfd}< <(exec stdbuf -oL busctl monitor --json=short "$BUS_NAME" 2>&1)
monpid=$!
trap 'kill $monpid 2>/dev/null || true' EXIT
# busctl says so on stderr once BecomeMonitor returned.
check "the bus monitor listens" pipe_until "$monfd" 10 '^Monitoring bus message stream'

before=$(calls ACTIVATE | wc -l)
t0=$(now_us)
agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_bus 60 "RMM activated: current version 1.3" \
        'test "$(prop_component "$RMM" CurrentVersion)" = 1.3'
t1=$(now_us)
check_eq "RMM no longer pending" false "$(prop_component "$RMM" ActivationPending)"
check_eq "RMM's last result" success "$(prop_component "$RMM" LastResult)"

# The agent's record: the successful ACTIVATE round ran with every online
# CPU (2) gathered inside stop_machine().
agent_calls | sed 's/^/    agent: /' | tail -n 12
rounds=$(calls ACTIVATE | tail -n +$((before + 1)))
check "one ACTIVATE round succeeded" grep -q 'x0=0 x1=0x0 ' <<<"$rounds"
ok_round=$(grep 'x0=0 x1=0x0 ' <<<"$rounds" | tail -n 1)
check "it ran on both vCPUs" grep -q 'cpus=2/2' <<<"$ok_round"
check "under stop_machine" grep -q 'stopped=1' <<<"$ok_round"
check "with the rendezvous (no skip flag)" grep -q 'flags=0x0 ' <<<"$ok_round"

check "the monitor received ActivationFinished" \
        pipe_until "$monfd" 10 '"member":"ActivationFinished"' "$mon"
# What it had received by then (lfad's signals came before the property
# read that saw 1.3) is in the pipe: all of it to the file.
kill $monpid 2>/dev/null || true
cat <&$monfd >>"$mon"
exec {monfd}<&-
check "a client saw ActivationStarted" grep -q '"member":"ActivationStarted"' "$mon"
check "a client saw ActivationFinished" grep -q '"member":"ActivationFinished"' "$mon"
check "a client saw PropertiesChanged on RMM's object" \
        grep -q "\"path\":\"$(component_path "$RMM")\".*\"member\":\"PropertiesChanged\"\|\"member\":\"PropertiesChanged\".*\"path\":\"$(component_path "$RMM")\"" "$mon"

check "history on disk names RMM" grep -q "$RMM" "$HISTORY"
hist=$(lfad_call History u 10)
check "History() returns the attempt" grep -q "$RMM" <<<"$hist"
check "journal: activation success with MESSAGE_ID, LFA_UUID, LFA_RESULT" \
        journal_has cb3cc80d9428450f9e0200d5f39cb04d "LFA_UUID=$RMM"

# uevent -> activate write: lfad's journal marks the store-update uevent it
# received and the start of the activation (the write follows at once).
ts_upd=$(journalctl -b -o export --no-pager MESSAGE_ID=5352d8c454d44cfaa4e266ee2c13d407 "LFA_UUID=$RMM" |
        sed -n 's/^__MONOTONIC_TIMESTAMP=//p' | tail -n 1)
ts_act=$(journalctl -b -o export --no-pager MESSAGE_ID=c3814b4528b943de8d476a4a59c6846f "LFA_UUID=$RMM" |
        sed -n 's/^__MONOTONIC_TIMESTAMP=//p' | tail -n 1)
if [ -n "$ts_upd" ] && [ -n "$ts_act" ]; then
        bench uevent-to-activation-start $(( ts_act - ts_upd )) us
fi
bench store-update-to-activated $(( (t1 - t0) / 1000 )) ms
