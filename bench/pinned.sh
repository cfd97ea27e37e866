# Sourced after common.sh by the scripts that pin (compare.sh, ab.sh, profile.sh, unary.sh): servers and their
# databases on core 1, every load tool on core 0, JVMs with the same flags, and the same JIT warm-up for every server.
SCPU=1; LCPU=0
SERVER_OPTS=(-XX:+UseParallelGC -Xms1g -Xmx1g)
# The database's heap at its full size from the start, and a small young generation. Every stored user survives
# its first collection; with the anchors' -Xms256m -Xmx2g, 300,000 creates at 64 in flight cost full collections of
# 1.2-1.3 s (the heap growing) and young ones of 0.25-0.45 s, 5.6 s in all, and a 2-3 s row took one or none of
# them (run j). With these flags, in that check: no full collection, young ones of 95 ms at most, 3.2 s in all
# (docs/bench-results/db-gc-flags-2026-11-25.txt; each run's GC logs: OUT/*-db-gc.log).
DB_OPTS=(-XX:+UseParallelGC -Xms2g -Xmx2g -Xmn128m)

start_db() { # LABEL PORT -> DBPID, MURI: an anchors MongoStandalone (memory backend) on the server core
  port_free "$2"
  start_bg "$OUT/$1-db.log" taskset -c "$SCPU" java "${DB_OPTS[@]}" "-Xlog:gc:file=$OUT/$1-db-gc.log" -cp "$JAR" anchors.db.MongoStandalone --port "$2" --memory
  DBPID="$BG_PID"; wait_port 127.0.0.1 "$2" 60 "$DBPID" || { cat "$OUT/$1-db.log" >&2; exit 1; }
  MURI="mongodb://127.0.0.1:$2"
}

start_server() { # LABEL PORT CMD... -> SPID: CMD on the server core, once it listens on PORT
  local label="$1" port="$2"; shift 2
  port_free "$port"
  start_bg "$OUT/$label.log" taskset -c "$SCPU" "$@"
  SPID="$BG_PID"; wait_port 127.0.0.1 "$port" 90 "$SPID" || { cat "$OUT/$label.log" >&2; exit 1; }
  say "# started $label pid=$SPID on cpu $SCPU, port $port"
}

start_java_server() { # LABEL PORT JAR|grpc-java MONGO_URI [JVM FLAG...] -> SPID: Polyport's jar, or the grpc-java anchor
  local label="$1" port="$2" server="$3" uri="$4"; shift 4
  if [ "$server" = grpc-java ]; then
    start_server "$label" "$port" java "${SERVER_OPTS[@]}" "$@" -jar "$JAR" --port "$port" --executor direct --mongo-uri "$uri"
  else
    start_server "$label" "$port" env MONGO_URI="$uri" PORT="$port" java "${SERVER_OPTS[@]}" "$@" -jar "$server"
  fi
}

users_and_id() { # HOST:PORT -> FIRST_ID: 10,000 users, and the id GetUser asks for
  say "# $1 $(taskset -c "$LCPU" "$PY" "$BENCH_DIR/grpc_tool.py" preload --target "$1" -n 10000 --deadline 120)"
  FIRST_ID="$(taskset -c "$LCPU" "$PY" "$BENCH_DIR/grpc_tool.py" first-id --target "$1" --deadline 20)"
}

warm_up() { # HOST:PORT ID CALLS: the JIT's warm-up, unmeasured
  # at full load first (a JVM pinned to one core compiles on the core it serves from; on the 2-core VM Polyport's
  # 4x16 rate rose for ~600,000 calls), then at one call in flight, a path of its own; the same for CreateUser
  "$BENCH_DIR/grpc_unary.sh" "$1" get -c 4 -m 16 -n "$3" --id "$2" --cpu "$LCPU" >/dev/null || true
  "$BENCH_DIR/grpc_unary.sh" "$1" get -c 1 -m 1 -n "$(($3 / 30))" --id "$2" --cpu "$LCPU" >/dev/null || true
  "$BENCH_DIR/grpc_unary.sh" "$1" create -c 4 -m 16 -n 20000 --tool java --cpu "$LCPU" >/dev/null || true
  "$BENCH_DIR/grpc_unary.sh" "$1" create -c 1 -m 1 -n 5000 --tool java --cpu "$LCPU" >/dev/null || true
}

turns() { # ROUND FIRST SECOND -> TURNS: the pair in this round's order, swapped in even rounds (in two A/Bs of one jar
  # with and without epoll, the first of a pair had the higher GetUser 1x1 in 7 of 8 rounds, whatever its setting)
  if [ $(($1 % 2)) -eq 1 ]; then TURNS=("$2" "$3"); else TURNS=("$3" "$2"); fi
}
