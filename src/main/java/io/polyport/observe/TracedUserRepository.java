package io.polyport.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.polyport.domain.ImportError;
import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.User;
import io.polyport.domain.UserPatch;
import io.polyport.persistence.UserRepository;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * A client span around each database call of the repository, child of the request's span (the current
 * OpenTelemetry context lives on the request's Vert.x context). The driver's calls carry no trace of their
 * own, and the Mongo wire protocol carries no trace context, so this is where the trace reaches MongoDB.
 * A list span lasts as long as its cursor.
 */
final class TracedUserRepository implements UserRepository {
  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("db.system");
  private static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("db.namespace");
  private static final AttributeKey<String> COLLECTION = AttributeKey.stringKey("db.collection.name");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("db.operation.name");
  private static final String USERS = "users";

  private final UserRepository delegate;
  private final Tracer tracer;
  private final String database;

  TracedUserRepository(UserRepository delegate, Tracer tracer, String database) {
    this.delegate = delegate;
    this.tracer = tracer;
    this.database = database;
  }

  private Span start(String operation) {
    return tracer.spanBuilder(operation + " " + USERS)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(SYSTEM, "mongodb")
        .setAttribute(NAMESPACE, database)
        .setAttribute(COLLECTION, USERS)
        .setAttribute(OPERATION, operation)
        .startSpan();
  }

  private <T> Future<T> traced(String operation, Supplier<Future<T>> call) {
    Span span = start(operation);
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.andThen(done -> end(span, done.cause()));
  }

  private static void end(Span span, Throwable failure) {
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    span.end();
  }

  @Override
  public Future<Void> ensureIndexes() {
    return traced("createIndexes", delegate::ensureIndexes);
  }

  @Override
  public Future<User> insert(NewUser user, Instant now) {
    return traced("insert", () -> delegate.insert(user, now));
  }

  @Override
  public Future<User> findById(String id) {
    return traced("find", () -> delegate.findById(id));
  }

  @Override
  public Future<User> update(UserPatch patch, Instant now) {
    return traced("update", () -> delegate.update(patch, now));
  }

  @Override
  public Future<User> delete(String id, int expectedVersion) {
    return traced("delete", () -> delegate.delete(id, expectedVersion));
  }

  @Override
  public ClosableReadStream<User> list(ListQuery query) {
    return new TracedStream<>(delegate.list(query), start("find"));
  }

  @Override
  public Future<List<ImportError>> insertBatch(List<NewUser> users, Instant now) {
    return traced("bulkWrite", () -> delegate.insertBatch(users, now));
  }

  @Override
  public Future<Void> ping() {
    return traced("ping", delegate::ping);
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }

  /** The cursor, its span ending when it ends, fails or is closed. */
  private static final class TracedStream<T> implements ClosableReadStream<T> {
    private final ClosableReadStream<T> cursor;
    private final Span span;
    private boolean ended;

    TracedStream(ClosableReadStream<T> cursor, Span span) {
      this.cursor = cursor;
      this.span = span;
    }

    private void end(Throwable failure) {
      if (!ended) {
        ended = true;
        TracedUserRepository.end(span, failure);
      }
    }

    @Override
    public ReadStream<T> exceptionHandler(Handler<Throwable> handler) {
      cursor.exceptionHandler(e -> {
        end(e);
        if (handler != null) {
          handler.handle(e);
        }
      });
      return this;
    }

    @Override
    public ReadStream<T> handler(Handler<T> handler) {
      if (handler == null) {
        end(null);
      }
      cursor.handler(handler);
      return this;
    }

    @Override
    public ReadStream<T> endHandler(Handler<Void> handler) {
      cursor.endHandler(v -> {
        end(null);
        if (handler != null) {
          handler.handle(v);
        }
      });
      return this;
    }

    @Override
    public ReadStream<T> pause() {
      cursor.pause();
      return this;
    }

    @Override
    public ReadStream<T> resume() {
      cursor.resume();
      return this;
    }

    @Override
    public ReadStream<T> fetch(long amount) {
      cursor.fetch(amount);
      return this;
    }

    @Override
    public void close() {
      end(null);
      cursor.close();
    }
  }
}
