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
        new GcLog.Gc(2.55924687, false, (42944 + 19845) * K, (64 + 19845) * K),
        // logged without its heap blocks: the pause line's MiB
        new GcLog.Gc(2.7, true, 30 * 1024 * K, 12 * 1024 * K));
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
        new GcLog.Gc(3.275138431, false, 92 * 1024 * K, 18000 * K),
        new GcLog.Gc(3.285, false, 94512 * K, 18736 * K));
  }
}
