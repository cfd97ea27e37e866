package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import io.polyport.persistence.embedded.ChangeEntry.Kind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The embedded database's oplog: a ring of the last N changes, in memory, each with a strictly increasing
 * position. Collections record into it while they hold their own lock, so the changes of one document are in
 * the order they were applied.
 *
 * <p>A change becomes visible to readers when the command that made it has finished (and, on H2, has been
 * committed to the file): readers see the positions up to {@link #visible()}, below the first change of any
 * command still running. Waiters are told whenever that point advances.
 */
final class ChangeLog {
  private final long epoch = ThreadLocalRandom.current().nextLong();
  private final ChangeEntry[] ring;
  private final ThreadLocal<long[]> runningCommand = new ThreadLocal<>();
  private final TreeSet<Long> unfinishedCommands = new TreeSet<>();
  private final List<Runnable> waiters = new ArrayList<>();
  private long newest;
  private long visible;
  private long lastClusterTime;
  private long lastEvictedClusterTime;

  ChangeLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the oplog needs room for at least one change, not " + capacity);
    }
    this.ring = new ChangeEntry[capacity];
  }

  long epoch() {
    return epoch;
  }

  void inserted(String namespace, Document document) {
    if (isSystemNamespace(namespace)) {
      return;
    }
    Document after = document.cloneDeeply();
    append(Kind.INSERT, namespace, after.get("_id"), after, null);
  }

  /** {@code before} must be a copy nobody else changes; {@code after} may be the live document. */
  void updated(String namespace, Document before, Document after, boolean replacement) {
    if (isSystemNamespace(namespace)) {
      return;
    }
    Document copy = after.cloneDeeply();
    append(replacement ? Kind.REPLACE : Kind.UPDATE, namespace, copy.get("_id"), copy, before);
  }

  /** {@code before} must be the document just removed, which nobody changes any more. */
  void deleted(String namespace, Document before) {
    append(Kind.DELETE, namespace, before.get("_id"), null, before);
  }

  void dropped(String namespace) {
    append(Kind.DROP, namespace, null, null, null);
  }

  /** Marks the start of a command on this thread: its changes stay invisible until {@link #endCommand()}. */
  void beginCommand() {
    runningCommand.set(new long[1]);
  }

  /** Publishes the changes of the command that ran on this thread. */
  void endCommand() {
    long[] command = runningCommand.get();
    runningCommand.remove();
    if (command != null && command[0] != 0) {
      List<Runnable> toSignal;
      synchronized (this) {
        unfinishedCommands.remove(command[0]);
        toSignal = advanceVisible();
      }
      toSignal.forEach(Runnable::run);
    }
  }

  private void append(Kind kind, String namespace, Object id, Document after, Document before) {
    if (isSystemNamespace(namespace)) {
      return;
    }
    List<Runnable> toSignal;
    synchronized (this) {
      long position = ++newest;
      int slot = (int) (position % ring.length);
      if (ring[slot] != null) {
        lastEvictedClusterTime = ring[slot].clusterTime().getValue();
      }
      ring[slot] = new ChangeEntry(position, nextClusterTime(), Instant.now(), kind, namespace, id, after, before);
      long[] command = runningCommand.get();
      if (command != null && command[0] == 0) {
        command[0] = position;
        unfinishedCommands.add(position);
      }
      toSignal = command == null ? advanceVisible() : List.of();
    }
    toSignal.forEach(Runnable::run);
  }

  private List<Runnable> advanceVisible() {
    long previous = visible;
    visible = unfinishedCommands.isEmpty() ? newest : unfinishedCommands.first() - 1;
    if (visible == previous || waiters.isEmpty()) {
      return List.of();
    }
    List<Runnable> toSignal = new ArrayList<>(waiters);
    waiters.clear();
    return toSignal;
  }

  private BsonTimestamp nextClusterTime() {
    long seconds = Math.max(Instant.now().getEpochSecond(), lastClusterTime >>> 32);
    long next = seconds << 32 == (lastClusterTime & 0xFFFFFFFF00000000L) ? lastClusterTime + 1 : (seconds << 32) | 1;
    lastClusterTime = next;
    return new BsonTimestamp(next);
  }

  private static boolean isSystemNamespace(String namespace) {
    return namespace.startsWith("system.", namespace.indexOf('.') + 1);
  }

  /** The newest position readers may see. */
  synchronized long visible() {
    return visible;
  }

  /** Positions up to this one are gone from the ring: resuming from before it would miss changes. */
  synchronized long evictedThrough() {
    return Math.max(0, newest - ring.length);
  }

  /**
   * Collects the visible changes after {@code after} that match, at most {@code max} of them.
   *
   * @return the position the scan went through: the last change taken when {@code max} were found, else the
   *     newest visible position
   * @throws de.bwaldvogel.mongo.exception.MongoServerError ChangeStreamHistoryLost if changes after
   *     {@code after} were already evicted
   */
  synchronized long scan(long after, int max, Predicate<ChangeEntry> filter, List<ChangeEntry> out) {
    if (after < evictedThrough()) {
      throw ChangeStreamErrors.historyLost();
    }
    for (long position = after + 1; position <= visible; position++) {
      ChangeEntry entry = ring[(int) (position % ring.length)];
      if (filter.test(entry)) {
        out.add(entry);
        if (out.size() >= max) {
          return position;
        }
      }
    }
    return Math.max(after, visible);
  }

  /** The position just before the first visible change at or after {@code time}. */
  synchronized long positionBefore(BsonTimestamp time) {
    long position = visible;
    long oldest = evictedThrough();
    while (position > oldest && ring[(int) (position % ring.length)].clusterTime().compareTo(time) >= 0) {
      position--;
    }
    if (position == oldest && oldest > 0 && lastEvictedClusterTime >= time.getValue()) {
      throw ChangeStreamErrors.historyLost();
    }
    return position;
  }

  /** Runs {@code waiter} once, on the thread that makes new changes visible; it must return quickly. */
  synchronized void await(Runnable waiter) {
    waiters.add(waiter);
  }

  synchronized void cancel(Runnable waiter) {
    waiters.remove(waiter);
  }
}
