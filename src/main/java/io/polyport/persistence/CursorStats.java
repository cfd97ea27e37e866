package io.polyport.persistence;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** How much the list cursors read and how many are open: what backpressure and cancellation are judged by. */
public final class CursorStats {
  private final LongAdder documentsRead = new LongAdder();
  private final AtomicInteger open = new AtomicInteger();

  /** Documents delivered by list cursors since start. */
  public long documentsRead() {
    return documentsRead.sum();
  }

  /** List cursors currently open (subscribed and neither ended nor closed). */
  public int openCursors() {
    return open.get();
  }

  void read() {
    documentsRead.increment();
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }
}
