# Sourced by compare.sh, unary.sh and million.sh after their options are read (HERE, ANCHORS, JARP, OUT set):
# the anchors' helpers (lib.sh: start/stop by PID, wait_port, CPU figures), the two jars checked, OUT/RES,
# say, and every started process stopped on exit.
source "$ANCHORS/bench/lib.sh"
JAR="$ANCHORS_DIR/grpc-java/target/grpc-java-anchor.jar"
[ -f "$JAR" ] || { echo "missing $JAR: mvn -q -f $ANCHORS_DIR/grpc-java/pom.xml package" >&2; exit 1; }
[ -f "$JARP" ] || { echo "missing $JARP: mvn -B package -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"; RES="$OUT/results.txt"
trap 'stop_all' EXIT
trap 'exit 130' INT TERM
say() { echo "$*" | tee -a "$RES"; }
revision() { git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo na; }
finish_run() { # each database's collections (the -Xlog:gc files under OUT), then the run's last line
  local f
  for f in "$OUT"/*-gc.log; do
    [ -f "$f" ] || continue
    say "# gc $(basename "$f" .log): $(awk '/Pause/ { n++; ms = $NF + 0; total += ms; if (/Pause Full/) full++; if (ms > longest) longest = ms }
      END { printf "pauses=%d full=%d total_ms=%.0f longest_ms=%.1f", n, full, total, longest }' "$f")"
  done
  say "# done: $RES"
}
