package io.polyport.persistence;

import com.mongodb.MongoCommandException;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import com.mongodb.reactivestreams.client.ChangeStreamPublisher;
import com.mongodb.reactivestreams.client.MongoClient;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.EventType;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.domain.UserEvent;
import io.polyport.support.Publishers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The users collection's MongoDB change stream, as user events: one reader per process, resumable after a
 * token. It reads through the process's one driver client (the repository's: same settings, pool and
 * metrics), with the full document on updates and the pre-image on deletes where the server keeps it.
 */
public final class UserChangeStream {
  private static final int CHANGE_STREAM_HISTORY_LOST = 286;
  private static final int REQUEST = 256;

  private final MongoClient client;
  private final String database;

  /** Reads through {@code client}, the process's one driver client (the repository's). */
  public UserChangeStream(MongoClient client, String database) {
    this.client = client;
    this.database = database;
  }

  /** A running read; {@link #cancel()} stops it. */
  public interface Reading {
    void cancel();
  }

  /**
   * Reads changes after {@code resumeToken} (from now when empty), calling {@code onEvent} for each on
   * {@code context}, in order; {@code onFailure} once if the stream fails (a token the server can no
   * longer resume fails with OUT_OF_RANGE, a database that cannot be reached with UNAVAILABLE).
   */
  public Reading read(Context context, String resumeToken, boolean preImages,
                      Handler<UserEvent> onEvent, Handler<ServiceException> onFailure) {
    ChangeStreamPublisher<User> publisher = client.getDatabase(database).withCodecRegistry(UserCodecs.REGISTRY)
        .getCollection(MongoUserRepository.COLLECTION)
        .watch(User.class)
        .fullDocument(FullDocument.UPDATE_LOOKUP)
        .batchSize(REQUEST)
        .maxAwaitTime(1, TimeUnit.SECONDS);
    if (preImages) {
      publisher = publisher.fullDocumentBeforeChange(FullDocumentBeforeChange.WHEN_AVAILABLE);
    }
    if (!resumeToken.isEmpty()) {
      publisher = publisher.resumeAfter(new BsonDocument("_data", new BsonString(resumeToken)));
    }
    var reader = new Reader(context, onEvent, onFailure);
    publisher.subscribe(reader);
    return reader;
  }

  /** Whether the database answers (to tell that a reopened stream's server is back). */
  public Future<Void> ping(Context context) {
    return Publishers.first(context, client.getDatabase(database).runCommand(new Document("ping", 1)))
        .recover(t -> Future.failedFuture(failure(t)))
        .mapEmpty();
  }

  private static final class Reader implements Subscriber<ChangeStreamDocument<User>>, Reading {
    private final Context context;
    private final Handler<UserEvent> onEvent;
    private final Handler<ServiceException> onFailure;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Subscription subscription;
    private int handledSinceRequest;

    Reader(Context context, Handler<UserEvent> onEvent, Handler<ServiceException> onFailure) {
      this.context = context;
      this.onEvent = onEvent;
      this.onFailure = onFailure;
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      if (cancelled.get()) {
        s.cancel();
      } else {
        s.request(REQUEST);
      }
    }

    @Override
    public void onNext(ChangeStreamDocument<User> change) {
      UserEvent event = toEvent(change);
      context.runOnContext(v -> {
        if (cancelled.get()) {
          return;
        }
        if (event != null) {
          onEvent.handle(event);
        }
        if (++handledSinceRequest == REQUEST / 2) {
          handledSinceRequest = 0;
          subscription.request(REQUEST / 2);
        }
      });
    }

    @Override
    public void onError(Throwable t) {
      ServiceException failure = failure(t);
      context.runOnContext(v -> {
        if (!cancelled.get()) {
          onFailure.handle(failure);
        }
      });
    }

    @Override
    public void onComplete() {
      onError(new IllegalStateException("the change stream ended"));
    }

    @Override
    public void cancel() {
      if (cancelled.compareAndSet(false, true) && subscription != null) {
        subscription.cancel();
      }
    }
  }

  static ServiceException failure(Throwable t) {
    if (t instanceof MongoCommandException e) {
      if (e.getErrorCode() == CHANGE_STREAM_HISTORY_LOST) {
        return new ServiceException(ErrorCode.OUT_OF_RANGE, "the resume point is no longer available; resubscribe with a snapshot");
      }
      if (e.getErrorCode() == 2 || e.getErrorCode() == 9) {
        return ServiceException.invalid("the resume token is malformed");
      }
    }
    ServiceException known = MongoErrors.translate(t);
    if (known != null) {
      return known;
    }
    return new ServiceException(ErrorCode.UNAVAILABLE, "the change stream failed: " + t.getMessage());
  }

  /** The change as a user event, or null for changes the feeds do not report (drops, invalidations). */
  static UserEvent toEvent(ChangeStreamDocument<User> change) {
    String token = change.getResumeToken() == null ? ""
        : change.getResumeToken().getString("_data", new BsonString("")).getValue();
    Instant time = change.getWallTime() != null ? Instant.ofEpochMilli(change.getWallTime().getValue())
        : change.getClusterTime() != null ? Instant.ofEpochSecond(change.getClusterTime().getTime()) : Instant.now();
    return switch (change.getOperationType()) {
      case INSERT -> change.getFullDocument() == null ? null
          : new UserEvent(EventType.CREATED, change.getFullDocument(), token, time);
      case UPDATE, REPLACE -> change.getFullDocument() == null ? null
          : new UserEvent(EventType.UPDATED, change.getFullDocument(), token, time);
      case DELETE -> new UserEvent(EventType.DELETED, change.getFullDocumentBeforeChange() != null
          ? change.getFullDocumentBeforeChange()
          : UserDocuments.deletedOnly(change.getDocumentKey()), token, time);
      default -> null;
    };
  }
}
