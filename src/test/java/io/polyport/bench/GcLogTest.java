package io.polyport.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The GC log's collections, from logs as HotSpot 17 writes them with gc=info,gc+heap=debug. */
class GcLogTest {
  private static final long K = 1024;

  @Test
  void parallelGenerationsAreSummedAndOnlyYoungAndFullPausesCount() {
    var gcs = GcLog.collections(List.of(
        "[2558683619ns] GC(521) Heap before GC invocations=522 (full 4):",
        "[2558713894ns] GC(521)  PSYoungGen      total 43008K, used 42944K [0x00000000fd580000, 0x0000000100000000)",
        "[2558717340ns] GC(521)   eden space 42496K, 100% used [0x00000000fd580000,0x00000000fff00000)",
        "[2558724160ns] GC(521)  ParOldGen       total 43520K, used 19845K [0x00000000f8000000, 0x00000000faa80000)",
        "[2558728356ns] GC(521)  Metaspace       used 130K, committed 320K, reserved 1114112K",
        "[2559237516ns] GC(521) PSYoungGen: 42944K(43008K)->64K(41984K) Eden: 42496K(42496K)->0K(41472K)",
        "[2559246870ns] GC(521) Pause Young (Allocation Failure) 61M->19M(83M) 0.506ms",
        "[2559248933ns] GC(521) Heap after GC invocations=522 (full 4):",
        "[2559251276ns] GC(521)  PSYoungGen      total 41984K, used 64K [0x00000000fd580000, 0x0000000100000000)",
        "[2559259078ns] GC(521)  ParOldGen       total 43520K, used 19845K [0x00000000f8000000, 0x00000000faa80000)",
        "[2559262603ns] GC(521)  Metaspace       used 130K, committed 320K, reserved 1114112K",
        "[2600000000ns] GC(522) Pause Remark 40M->40M(128M) 1.000ms",
        "[2700000000ns] GC(523) Pause Full (System.gc()) 30M->12M(83M) 9.000ms"));
    assertThat(gcs).containsExactly(
        new GcLog.Gc(2.55924687, false, (42944 + 19845) * K, (64 + 19845) * K, true),
        // logged without its heap blocks: the pause line's MiB
        new GcLog.Gc(2.7, true, 30 * 1024 * K, 12 * 1024 * K, false));
  }

  @Test
  void g1HasOneHeapLineAndAWatchStartedMidCollectionFallsBackForTheMissingBlock() {
    var gcs = GcLog.collections(List.of(
        "[3275102708ns] GC(412) Eden regions: 75->0(74)",
        "[3275120184ns] GC(412) Heap after GC invocations=413 (full 0):",
        "[3275123098ns] GC(412)  garbage-first heap   total 131072K, used 18000K [0x00000000f8000000, 0x0000000100000000)",
        "[3275138431ns] GC(412) Pause Young (Normal) (G1 Evacuation Pause) 92M->18M(128M) 1.006ms",
        "[3284014496ns] GC(413) Heap before GC invocations=414 (full 0):",
        "[3284014496ns] GC(413)  garbage-first heap   total 131072K, used 94512K [0x00000000f8000000, 0x0000000100000000)",
        "[3284019203ns] GC(413)  Metaspace       used 78K, committed 320K, reserved 1114112K",
        "[3285000000ns] GC(413) Pause Young (Normal) (G1 Evacuation Pause) 92M->18M(128M) 1.006ms",
        "[3285100000ns] GC(413) Heap after GC invocations=415 (full 0):",
        "[3285123098ns] GC(413)  garbage-first heap   total 131072K, used 18736K [0x00000000f8000000, 0x0000000100000000)",
        "a line of another output"));
    assertThat(gcs).containsExactly(
        new GcLog.Gc(3.275138431, false, 92 * 1024 * K, 18000 * K, false),
        new GcLog.Gc(3.285, false, 94512 * K, 18736 * K, true));
  }

  @Test
  void serialGenerationsAndG1sOtherYoungPausesCountButItsConcurrentCyclesPausesDoNot() {
    var gcs = GcLog.collections(List.of(
        "[100000000ns] GC(0) Heap before GC invocations=0 (full 0):",
        "[100000001ns] GC(0)  def new generation   total 39296K, used 34944K [0x00000000f8000000, 0x00000000faaa0000)",
        "[100000002ns] GC(0)   eden space 34944K, 100% used [0x00000000f8000000, 0x00000000fa220000)",
        "[100000003ns] GC(0)  tenured generation   total 87424K, used 100K [0x00000000faaa0000, 0x0000000100000000)",
        "[100000004ns] GC(0)  Metaspace       used 130K, committed 320K, reserved 1114112K",
        "[200000000ns] GC(0) Pause Young (Allocation Failure) 34M->4M(123M) 3.000ms",
        "[200000001ns] GC(0) Heap after GC invocations=1 (full 0):",
        "[200000002ns] GC(0)  def new generation   total 39296K, used 4000K [0x00000000f8000000, 0x00000000faaa0000)",
        "[200000003ns] GC(0)  tenured generation   total 87424K, used 200K [0x00000000faaa0000, 0x0000000100000000)",
        "[300000000ns] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 50M->40M(128M) 2.000ms",
        "[310000000ns] GC(2) Concurrent Mark Cycle",
        "[320000000ns] GC(2) Pause Remark 41M->41M(128M) 1.000ms",
        "[330000000ns] GC(2) Pause Cleanup 41M->41M(128M) 0.100ms",
        "[340000000ns] GC(3) Pause Young (Prepare Mixed) (G1 Evacuation Pause) 60M->45M(128M) 2.000ms",
        "[350000000ns] GC(4) Pause Young (Mixed) (G1 Evacuation Pause) 70M->30M(128M) 2.000ms",
        // a block whose lines are not read falls back to the pause line, as a missing one does
        "[360000000ns] GC(5) Heap before GC invocations=5 (full 0):",
        "[360000001ns] GC(5)  some heap of another format",
        "[370000000ns] GC(5) Pause Young (Normal) (G1 Evacuation Pause) 80M->20M(128M) 2.000ms"));
    assertThat(gcs).extracting(GcLog.Gc::uptimeSeconds).containsExactly(0.2, 0.3, 0.34, 0.35, 0.37);
    assertThat(gcs.get(0)).isEqualTo(new GcLog.Gc(0.2, false, (34944 + 100) * K, (4000 + 200) * K, true));
    assertThat(gcs.get(4)).isEqualTo(new GcLog.Gc(0.37, false, 80 * 1024 * K, 20 * 1024 * K, false));
    assertThat(gcs).noneMatch(GcLog.Gc::full);
  }
}
