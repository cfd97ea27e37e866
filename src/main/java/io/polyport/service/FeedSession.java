package io.polyport.service;

import io.polyport.domain.ErrorCode;
import io.polyport.domain.FeedCommand;
import io.polyport.domain.FeedOutput;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.domain.UserEvent;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * One feed session (gRPC Feed or the WebSocket): commands run one at a time, in order; results and events
 * share the one output in the order they happen; when the output is full, neither more commands nor more
 * events are taken. After the client stops sending, the session lives on while it has a subscription.
 */
final class FeedSession {
  private final UserService users;
  private final ReadStream<FeedCommand> commands;
  private final WriteStream<FeedOutput> output;
  private final boolean mayWrite;
  private final Promise<Void> done = Promise.promise();
  private ClosableReadStream<UserEvent> subscription;
  private boolean busy;
  private boolean commandsEnded;

  FeedSession(UserService users, ReadStream<FeedCommand> commands, WriteStream<FeedOutput> output, boolean mayWrite) {
    this.users = users;
    this.commands = commands;
    this.output = output;
    this.mayWrite = mayWrite;
  }

  Future<Void> run() {
    output.drainHandler(v -> {
      if (!busy) {
        commands.resume();
      }
      if (subscription != null) {
        subscription.resume();
      }
    });
    commands.exceptionHandler(this::end);
    commands.endHandler(v -> {
      commandsEnded = true;
      if (!busy && subscription == null) {
        done.tryComplete();
      }
    });
    commands.handler(this::accept);
    return done.future();
  }

  private void accept(FeedCommand command) {
    busy = true;
    commands.pause();
    execute(command).onComplete(outcome -> {
      busy = false;
      if (done.future().isComplete()) {
        return;
      }
      ServiceException error = outcome.failed() ? asService(outcome.cause()) : null;
      send(FeedOutput.result(command.requestId(), error, outcome.succeeded() ? outcome.result() : null));
      if (commandsEnded && subscription == null) {
        done.tryComplete();
      } else if (!output.writeQueueFull()) {
        commands.resume();
      }
    });
  }

  private Future<User> execute(FeedCommand c) {
    try {
      if (c.invalid() != null) {
        return Future.failedFuture(c.invalid());
      }
      if (!mayWrite && c.watch() == null) {
        return Future.failedFuture(new ServiceException(ErrorCode.PERMISSION_DENIED,
            "the token does not grant the scope users:write"));
      }
      if (c.create() != null) {
        return users.create(c.create());
      }
      if (c.update() != null) {
        return users.update(c.update());
      }
      if (c.delete() != null) {
        return users.delete(c.delete().id(), c.delete().expectedVersion()).map((User) null);
      }
      if (c.watch() != null) {
        return users.watch(c.watch()).map(stream -> {
          follow(stream);
          return (User) null;
        });
      }
      return Future.failedFuture(ServiceException.invalid("the request names no action"));
    } catch (ServiceException e) {
      return Future.failedFuture(e);
    }
  }

  /** Replaces the subscription: its events go to the output, pausing it while the output is full. */
  private void follow(ClosableReadStream<UserEvent> stream) {
    if (subscription != null) {
      subscription.close();
    }
    subscription = stream;
    stream.exceptionHandler(this::end);
    stream.handler(event -> {
      send(FeedOutput.event(event));
      if (output.writeQueueFull()) {
        stream.pause();
        commands.pause();
      }
    });
  }

  private void send(FeedOutput message) {
    output.write(message);
  }

  /** Ends the session (client gone, subscription overflow or lost): stops everything it holds. */
  void end(Throwable cause) {
    if (subscription != null) {
      subscription.close();
    }
    done.tryFail(cause);
  }

  private static ServiceException asService(Throwable t) {
    return t instanceof ServiceException se ? se : new ServiceException(ErrorCode.INTERNAL, "internal error");
  }
}
