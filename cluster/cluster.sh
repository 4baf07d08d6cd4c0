#!/usr/bin/env bash
# Facetwire's local OpenSearch 2.19.6 test cluster: one JVM per node, on 127.0.0.1 only.
#
#   cluster.sh up              build the launcher if needed, start every node, wait for green
#   cluster.sh down            stop every node (TERM, then KILL after a grace period); idempotent
#   cluster.sh status          each node's pid, and the cluster health
#   cluster.sh stop-node I     stop node I alone (for failover tests)
#   cluster.sh start-node I    start node I alone and wait for green with all nodes again
#   cluster.sh wipe            down, then delete the work folder (all indices)
#   cluster.sh build           build the launcher (mvn) if it is missing or out of date
#
# Node I: http 127.0.0.1:1920I, transport 127.0.0.1:1930I, files in $FACETWIRE_CLUSTER_DIR/node-I.
# Environment: FACETWIRE_CLUSTER_DIR (work folder, default cluster/work), FACETWIRE_CLUSTER_NODES
# (default 3), FACETWIRE_CLUSTER_HEAP (max heap per node, default 512m), FACETWIRE_CLUSTER_TIMEOUT
# (seconds to wait for green, default 240), FACETWIRE_CLUSTER_GRACE (seconds between TERM and KILL,
# default 30), FACETWIRE_CLUSTER_JAVA_OPTS (extra JVM options, after ours), JAVA_HOME (else `java`).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${FACETWIRE_CLUSTER_DIR:-$HERE/work}"
NODES="${FACETWIRE_CLUSTER_NODES:-3}"
HEAP="${FACETWIRE_CLUSTER_HEAP:-512m}"
TIMEOUT="${FACETWIRE_CLUSTER_TIMEOUT:-240}"
GRACE="${FACETWIRE_CLUSTER_GRACE:-30}"
HTTP_BASE=19200
TRANSPORT_BASE=19300
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MAIN=org.facetwire.cluster.ClusterNode
STAMP="$HERE/target/.built"

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

die() { echo "cluster.sh: $*" >&2; exit 1; }

case "$NODES" in ''|*[!0-9]*) die "FACETWIRE_CLUSTER_NODES must be a number, not '$NODES'";; esac
[ "$NODES" -ge 1 ] && [ "$NODES" -le 9 ] || die "FACETWIRE_CLUSTER_NODES must be 1..9"

build() {
    if [ -f "$STAMP" ] && [ -z "$(find "$HERE/pom.xml" "$HERE/src" -newer "$STAMP" -print -quit)" ]; then
        return 0
    fi
    command -v mvn >/dev/null 2>&1 || die "mvn not found: run 'make java' (installs a JDK 17 and Maven)"
    command -v "$JAVA" >/dev/null 2>&1 || die "java not found: run 'make java' (installs a JDK 17 and Maven)"
    echo "cluster.sh: building the launcher with Maven (the first time downloads OpenSearch from Maven Central)" >&2
    rm -rf "$HERE/target/lib"
    if ! mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml" compile >"$DIR/build.log" 2>&1; then
        tail -n 40 "$DIR/build.log" >&2
        die "the Maven build failed (whole log: $DIR/build.log)"
    fi
    touch "$STAMP"
}

home() { echo "$DIR/node-$1"; }
pidfile() { echo "$DIR/node-$1/pid"; }

# The pid of node $1 if it runs, else nothing.
node_pid() {
    local f pid
    f="$(pidfile "$1")"
    [ -f "$f" ] || return 0
    pid="$(cat "$f" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "$MAIN" "/proc/$pid/cmdline" 2>/dev/null; then
        echo "$pid"
    fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_index() {
    case "$1" in ''|*[!0-9]*) die "node index must be a number, not '$1'";; esac
    [ "$1" -lt "$NODES" ] || die "node $1 does not exist: FACETWIRE_CLUSTER_NODES=$NODES"
}

# Fail if node $1 is not running but something else holds its ports.
check_ports() {
    local port
    [ -n "$(node_pid "$1")" ] && return 0
    for port in $((HTTP_BASE + $1)) $((TRANSPORT_BASE + $1)); do
        if port_open "$port"; then
            die "port $port is already in use by a process that is not node-$1 of $DIR (another cluster? 'cluster.sh down' with its FACETWIRE_CLUSTER_DIR)"
        fi
    done
}

start_one() {
    local i="$1" h pid
    h="$(home "$i")"
    if [ -n "$(node_pid "$i")" ]; then
        echo "node-$i already running (pid $(node_pid "$i"))"
        return 0
    fi
    rm -f "$(pidfile "$i")"
    check_ports "$i"
    mkdir -p "$h/logs" "$h/tmp"
    local xms="$HEAP"
    [ "$HEAP" = 512m ] && xms=256m
    # JVM options after the OpenSearch distribution's own (jvm.options and its launcher's system options),
    # plus C1 only (-XX:TieredStopAtLevel=1): three JVMs on two cores start in half the time without
    # C2 compiling; FACETWIRE_CLUSTER_JAVA_OPTS=-XX:TieredStopAtLevel=4 brings C2 back (last one wins).
    # shellcheck disable=SC2086
    setsid nohup "$JAVA" \
        -Xms"$xms" -Xmx"$HEAP" -Xss1m \
        -XX:+UseG1GC -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30 \
        -XX:TieredStopAtLevel=1 \
        -XX:-OmitStackTraceInFastThrow -XX:+ShowCodeDetailsInExceptionMessages \
        -XX:ErrorFile="$h/logs/hs_err_pid%p.log" \
        -Djava.io.tmpdir="$h/tmp" -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
        -Djava.locale.providers=SPI,COMPAT -Djna.nosys=true \
        -Dopensearch.networkaddress.cache.ttl=60 -Dopensearch.networkaddress.cache.negative.ttl=10 \
        -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
        -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true \
        ${FACETWIRE_CLUSTER_JAVA_OPTS:-} \
        -cp "$HERE/target/lib/*:$HERE/target/classes" "$MAIN" \
        --node "$i" --nodes "$NODES" --dir "$DIR" \
        >"$h/logs/stdout.log" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid" >"$(pidfile "$i")"
    echo "node-$i starting (pid $pid, http 127.0.0.1:$((HTTP_BASE + i)), logs $h/logs)"
}

# TERM the given nodes, wait up to $GRACE s, then KILL what is left; remove their pid files.
stop_nodes() {
    local i pid waited=0 left
    for i in "$@"; do
        pid="$(node_pid "$i")"
        if [ -n "$pid" ]; then
            echo "stopping node-$i (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    while :; do
        left=""
        for i in "$@"; do [ -n "$(node_pid "$i")" ] && left="$left $i"; done
        [ -z "$left" ] && break
        if [ "$waited" -ge "$((GRACE * 5))" ]; then
            for i in $left; do
                pid="$(node_pid "$i")"
                [ -n "$pid" ] && { echo "node-$i did not stop in ${GRACE}s: KILL $pid"; kill -KILL "$pid" 2>/dev/null || true; }
            done
            sleep 1
            break
        fi
        sleep 0.2
        waited=$((waited + 1))
    done
    for i in "$@"; do rm -f "$(pidfile "$i")"; done
}

# Every node index that has a pid file, whatever FACETWIRE_CLUSTER_NODES says now.
known_nodes() {
    local f n
    for f in "$DIR"/node-*/pid; do
        [ -e "$f" ] || continue
        n="${f%/pid}"; n="${n##*/node-}"
        echo "$n"
    done
}

# The http port of a running node, to ask the cluster anything.
live_port() {
    local i
    for ((i = 0; i < NODES; i++)); do
        if [ -n "$(node_pid "$i")" ] && port_open $((HTTP_BASE + i)); then
            echo $((HTTP_BASE + i))
            return 0
        fi
    done
    return 1
}

show_logs() {
    local i h
    for ((i = 0; i < NODES; i++)); do
        h="$(home "$i")"
        echo "----- node-$i: $(pid="$(node_pid "$i")"; echo "${pid:+running, pid }${pid:-not running}"); tail of $h/logs -----" >&2
        [ -f "$h/logs/stdout.log" ] && tail -n 15 "$h/logs/stdout.log" >&2
        [ -f "$h/logs/facetwire-test.log" ] && tail -n 25 "$h/logs/facetwire-test.log" | cut -c1-400 >&2
    done
}

# Wait until the cluster is green with all $NODES nodes, or fail with the logs.
wait_green() {
    local start now port body i
    start=$(date +%s)
    while :; do
        for ((i = 0; i < NODES; i++)); do
            if [ -f "$(pidfile "$i")" ] && [ -z "$(node_pid "$i")" ]; then
                echo "cluster.sh: node-$i exited while the cluster was starting" >&2
                show_logs
                return 1
            fi
        done
        if port="$(live_port)"; then
            body="$(curl -s -m 10 "http://127.0.0.1:$port/_cluster/health?wait_for_status=green&wait_for_nodes=$NODES&timeout=5s" || true)"
            if [[ "$body" == *'"status":"green"'* && "$body" == *'"timed_out":false'* ]]; then
                now=$(date +%s)
                echo "cluster facetwire-test is green with $NODES node(s) after $((now - start))s: http://127.0.0.1:$HTTP_BASE"
                return 0
            fi
        fi
        sleep 1
        now=$(date +%s)
        if [ $((now - start)) -ge "$TIMEOUT" ]; then
            echo "cluster.sh: the cluster was not green with $NODES node(s) within ${TIMEOUT}s; last health: ${body:-no node answered}" >&2
            show_logs
            return 1
        fi
    done
}

status() {
    local i pid port state rc=0
    for ((i = 0; i < NODES; i++)); do
        pid="$(node_pid "$i")"
        if [ -n "$pid" ]; then state="running, pid $pid"; else state="stopped"; fi
        echo "node-$i: $state; http 127.0.0.1:$((HTTP_BASE + i))"
    done
    if port="$(live_port)"; then
        curl -s -m 10 "http://127.0.0.1:$port/_cluster/health?pretty" || rc=1
        curl -s -m 10 "http://127.0.0.1:$port/_cat/nodes?v&h=name,ip,http_address,node.role,cluster_manager,heap.percent" || true
    else
        echo "no node answers"
        rc=1
    fi
    return $rc
}

cmd="${1:-}"
# One cluster.sh at a time changes the cluster (parallel test workers may all call `up`).
case "$cmd" in
    up|down|stop-node|start-node|wipe|build)
        if command -v flock >/dev/null 2>&1; then
            exec 9>"$DIR/.lock"
            flock 9
        fi
        ;;
esac
case "$cmd" in
    build)
        build
        ;;
    up)
        build
        for ((i = 0; i < NODES; i++)); do check_ports "$i"; done
        for ((i = 0; i < NODES; i++)); do start_one "$i"; done
        if ! wait_green; then
            echo "cluster.sh: stopping the nodes again" >&2
            stop_nodes $(seq 0 $((NODES - 1))) >&2
            exit 1
        fi
        ;;
    down)
        # shellcheck disable=SC2046
        stop_nodes $( (known_nodes; seq 0 $((NODES - 1))) | sort -un)
        ;;
    status)
        status
        ;;
    stop-node)
        check_index "${2:-}"
        stop_nodes "$2"
        ;;
    start-node)
        check_index "${2:-}"
        build
        start_one "$2"
        wait_green || exit 1
        ;;
    wipe)
        # shellcheck disable=SC2046
        stop_nodes $( (known_nodes; seq 0 $((NODES - 1))) | sort -un)
        rm -rf "$DIR"
        echo "removed $DIR"
        ;;
    *)
        sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
