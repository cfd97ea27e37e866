package io.polyport.feed;

import io.polyport.domain.UserEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@code capacity} events of this process, numbered in arrival order: what a subscriber that
 * resumes after a token is replayed from. Not thread-safe: used on the hub's context only.
 */
final class EventRing {
  private final UserEvent[] events;
  private final Map<String, Long> seqByToken = new HashMap<>();
  private long nextSeq;

  EventRing(int capacity) {
    this.events = new UserEvent[capacity];
  }

  void add(UserEvent event) {
    int slot = (int) (nextSeq % events.length);
    UserEvent evicted = events[slot];
    if (evicted != null) {
      seqByToken.remove(evicted.resumeToken());
    }
    events[slot] = event;
    seqByToken.put(event.resumeToken(), nextSeq);
    nextSeq++;
  }

  /** The position of the event that carried {@code token}, or null when it is not (or no longer) here. */
  Long seqOf(String token) {
    return seqByToken.get(token);
  }

  /** The events after position {@code seq}, oldest first. */
  List<UserEvent> after(long seq) {
    List<UserEvent> out = new ArrayList<>((int) Math.max(0, nextSeq - seq - 1));
    for (long s = seq + 1; s < nextSeq; s++) {
      out.add(events[(int) (s % events.length)]);
    }
    return out;
  }

  /** Forgets everything (after a gap in the source, old tokens must not resume from here). */
  void clear() {
    java.util.Arrays.fill(events, null);
    seqByToken.clear();
  }

  String newestToken() {
    return nextSeq == 0 || events[(int) ((nextSeq - 1) % events.length)] == null ? ""
        : events[(int) ((nextSeq - 1) % events.length)].resumeToken();
  }
}
