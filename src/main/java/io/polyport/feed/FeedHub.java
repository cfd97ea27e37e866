package io.polyport.feed;

import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.polyport.domain.UserEvent;
import io.polyport.persistence.UserChangeStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One change stream per process, fanned out to every subscriber. The hub runs on its own context: it
 * appends each event to a ring (for resumes) and hands it to each event loop that has subscribers, in
 * one task per loop; each subscriber filters and queues on its own loop. If the stream fails, every
 * subscriber ends with UNAVAILABLE and the hub reconnects after its last token.
 */
public final class FeedHub {
  private static final Logger LOG = LoggerFactory.getLogger(FeedHub.class);
  private static final long RETRY_MS = 1000;
  private static final long MAX_RETRY_MS = 5000;
  private static final long STABLE_MS = 5000;

  private final Vertx vertx;
  private final Context context;
  private final UserChangeStream source;
  private final EventRing ring;
  private final int history;
  private final int maxLag;
  private final Map<Context, Subscription[]> loops = new HashMap<>();
  private UserChangeStream.Reading reading;
  private String lastToken = "";
  private boolean preImages = true;
  private volatile ServiceException down;
  private volatile boolean stopped;
  /** Failed tries since the change stream last held for STABLE_MS. */
  private int failures;

  public FeedHub(Vertx vertx, UserChangeStream source, int history, int maxLag) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.source = source;
    this.ring = new EventRing(history);
    this.history = history;
    this.maxLag = maxLag;
  }

  /** Starts reading the change stream (does not wait for the database: feeds answer UNAVAILABLE until it is there). */
  public void start() {
    context.runOnContext(v -> open());
  }

  private void open() {
    if (stopped) {
      return;
    }
    reading = source.read(context, lastToken, preImages, this::publish, this::failed);
    // the stream resumes after the last token, so nothing is lost if it opens a moment after the ping
    int attempt = failures;
    source.ping(context).onSuccess(v -> {
      down = null;
      if (attempt > 0) {
        // say so only once the stream has held for a while: a database without change streams fails each try
        vertx.setTimer(STABLE_MS, t -> {
          if (failures == attempt && !stopped) {
            LOG.info("live feeds available again");
            failures = 0;
          }
        });
      }
    });
  }

  /** Whether subscriptions are accepted now (false while the change stream is lost). */
  public boolean available() {
    return down == null && !stopped;
  }

  private void publish(UserEvent event) {
    lastToken = event.resumeToken();
    ring.add(event);
    List<UserEvent> batch = List.of(event);
    for (Map.Entry<Context, Subscription[]> loop : loops.entrySet()) {
      Subscription[] subscribers = loop.getValue();
      loop.getKey().runOnContext(x -> {
        for (Subscription s : subscribers) {
          s.offer(batch);
        }
      });
    }
  }

  private void failed(ServiceException error) {
    if (stopped) {
      return;
    }
    if (preImages && error.code() != ErrorCode.UNAVAILABLE && error.code() != ErrorCode.OUT_OF_RANGE) {
      // a server without pre-images (MongoDB < 6): read without them, deletes then carry the id only
      LOG.info("change stream without pre-images: {}", error.getMessage());
      preImages = false;
      open();
      return;
    }
    if (error.code() == ErrorCode.OUT_OF_RANGE) {
      LOG.warn("the change stream cannot resume after {}; continuing from now (older tokens are no longer resumable)", lastToken);
      lastToken = "";
      ring.clear();
    } else if (failures == 0) {
      LOG.warn("live feeds unavailable: {}", error.getMessage());
    } else if (Integer.bitCount(failures) == 1) {
      LOG.warn("live feeds still unavailable after {} tries: {}", failures, error.getMessage());
    }
    failures++;
    down = new ServiceException(ErrorCode.UNAVAILABLE, "live feeds are unavailable: " + error.getMessage());
    endAll(down);
    // retry soon after a blip, then less and less often (at most every MAX_RETRY_MS)
    vertx.setTimer(Math.min(MAX_RETRY_MS, RETRY_MS << Math.min(failures - 1, 6)), t -> open());
  }

  private void endAll(ServiceException error) {
    for (Map.Entry<Context, Subscription[]> loop : loops.entrySet()) {
      Subscription[] subscribers = loop.getValue();
      loop.getKey().runOnContext(x -> {
        for (Subscription s : subscribers) {
          s.fail(error);
        }
      });
    }
    loops.clear();
  }

  /**
   * A subscription for the calling context: events after {@code afterToken} (from now when empty),
   * filtered by {@code tag}. With {@code hold}, live events wait until {@link Subscription#release()}.
   * Fails with OUT_OF_RANGE when the token is not in this process's history.
   */
  Future<Subscription> subscribe(String tag, String afterToken, boolean hold) {
    Context caller = vertx.getOrCreateContext();
    Subscription subscription = new Subscription(caller, this, tag, maxLag, history, hold);
    Promise<Subscription> result = Promise.promise();
    context.runOnContext(v -> {
      if (down != null) {
        caller.runOnContext(x -> result.fail(down));
        return;
      }
      List<UserEvent> replay = List.of();
      if (!afterToken.isEmpty() && !afterToken.equals(lastToken)) {
        Long seq = ring.seqOf(afterToken);
        if (seq == null) {
          caller.runOnContext(x -> result.fail(new ServiceException(ErrorCode.OUT_OF_RANGE,
              "the resume point is no longer available; resubscribe with a snapshot")));
          return;
        }
        replay = ring.after(seq);
      }
      String from = afterToken.isEmpty() ? lastToken : afterToken;
      add(subscription);
      List<UserEvent> events = replay;
      caller.runOnContext(x -> {
        subscription.start(events, from);
        result.complete(subscription);
      });
    });
    return result.future();
  }

  private void add(Subscription s) {
    Subscription[] current = loops.getOrDefault(s.context, new Subscription[0]);
    Subscription[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = s;
    loops.put(s.context, next);
  }

  void unsubscribe(Subscription s) {
    context.runOnContext(v -> {
      Subscription[] current = loops.get(s.context);
      if (current == null) {
        return;
      }
      List<Subscription> kept = new ArrayList<>(Arrays.asList(current));
      kept.remove(s);
      if (kept.isEmpty()) {
        loops.remove(s.context);
      } else {
        loops.put(s.context, kept.toArray(new Subscription[0]));
      }
    });
  }

  /** The number of live subscribers (for metrics and tests). */
  public Future<Integer> subscribers() {
    Promise<Integer> count = Promise.promise();
    context.runOnContext(v -> count.complete(loops.values().stream().mapToInt(a -> a.length).sum()));
    return count.future();
  }

  /** Ends every subscriber with UNAVAILABLE (they reconnect elsewhere) and stops reading. */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      stopped = true;
      if (reading != null) {
        reading.cancel();
      }
      endAll(new ServiceException(ErrorCode.UNAVAILABLE, "the server is shutting down; reconnect and resume"));
      done.complete();
    });
    return done.future();
  }
}
