package io.polyport.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What a streaming client received, to wait on item by item (bounded waits, no sleeps). */
public final class EventQueue<T> {
  private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private static final Object END = new Object();

  public void add(T item) {
    items.add(item);
  }

  public void fail(Throwable t) {
    items.add(t);
  }

  public void end() {
    items.add(END);
  }

  /** The next item; fails if the stream failed or ended instead, or nothing came in 20 s. */
  @SuppressWarnings("unchecked")
  public T next() {
    Object o;
    try {
      o = items.poll(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    if (o == null) {
      throw new AssertionError("no item within 20 s");
    }
    if (o instanceof Throwable t) {
      throw new AssertionError("the stream failed: " + t, t);
    }
    if (o == END) {
      throw new AssertionError("the stream ended");
    }
    return (T) o;
  }

  /** The next {@code n} items. */
  public List<T> next(int n) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  /** Skips items until one matches. */
  public T nextMatching(Predicate<T> p) {
    while (true) {
      T item = next();
      if (p.test(item)) {
        return item;
      }
    }
  }

  /** Waits for the stream to fail (skipping items), and returns the failure. */
  public Throwable failure() {
    while (true) {
      Object o;
      try {
        o = items.poll(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      if (o == null) {
        throw new AssertionError("the stream did not fail within 20 s");
      }
      if (o instanceof Throwable t) {
        return t;
      }
      if (o == END) {
        throw new AssertionError("the stream ended normally");
      }
    }
  }

  /** Items received so far without waiting. */
  public int size() {
    return items.size();
  }
}
