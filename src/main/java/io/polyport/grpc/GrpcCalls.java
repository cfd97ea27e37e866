package io.polyport.grpc;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.polyport.support.ClientGone;
import io.polyport.support.ClosableReadStream;
import io.polyport.support.Streams;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Call plumbing shared by every rpc: a unary request's message handed on decoded (GrpcInput), a stream written
 * with backpressure and closed when the call ends early, a client gone told apart from a failure, late-write
 * safety.
 */
final class GrpcCalls {
  private GrpcCalls() {
  }

  /**
   * Calls {@code handler} with the one decoded message of {@code request} once the request has ended whole. A
   * message that cannot be decoded, exceeds the size limit or has a second one behind it ends the call with
   * INVALID_ARGUMENT / RESOURCE_EXHAUSTED and a message, and nothing runs.
   */
  static <Q extends MessageLite, R> void onMessage(GrpcServerRequest<Q, R> request, Parser<Q> parser,
                                                   long maxMessageBytes, Handler<Q> handler) {
    if (!GrpcInput.admit(request, maxMessageBytes)) {
      return;
    }
    // the call runs at the request's end, so a request whose framing breaks after its message (GrpcFraming) runs
    // nothing: a CreateUser with stray bytes behind it stored the user and then answered INVALID_ARGUMENT
    List<Q> received = new ArrayList<>(1);
    request.endHandler(v -> {
      if (received.size() == 1 && received.get(0) != null) {
        handler.handle(received.get(0));
      } else if (received.isEmpty()) {
        GrpcErrors.fail(request.response(), ServiceException.invalid("the call carries no request message"),
            request.fullMethodName());
      }
    });
    request.messageHandler(message -> {
      if (!received.isEmpty()) {
        received.add(null); // and nothing runs at the end
        request.pause();
        GrpcErrors.fail(request.response(), ServiceException.invalid("the call carries more than one request message"),
            request.fullMethodName());
        return;
      }
      try {
        received.add(GrpcInput.decode(message, parser, maxMessageBytes));
      } catch (ServiceException e) {
        received.add(null);
        request.pause();
        GrpcErrors.fail(request.response(), e, request.fullMethodName());
      }
    });
  }

  /**
   * Sends every item of {@code source}, mapped, reading no faster than the client; closes the source when
   * the call ends early (cancel, lost connection, deadline), and writes nothing more once the client is gone.
   * On failure, {@code resumeToken} (if given) supplies a trailer telling the client where to resume.
   */
  static <T, R> void stream(GrpcServerRequest<?, R> request, ClosableReadStream<T> source, Function<T, R> map,
                            Supplier<String> resumeToken) {
    GrpcServerResponse<?, R> response = request.response();
    boolean[] gone = {false};
    onClientGone(request, broken -> {
      gone[0] = true;
      source.close();
    });
    if (request.deadline() != null) {
      request.deadline().onSuccess(v -> source.close());
    }
    // ended once its last message is written: the trailers of an end queued behind messages the client's
    // window holds back are dropped with Vert.x 5.0.7's NullPointerException if the client then resets
    Streams.pumpWritten(source, response, map).onComplete(done -> {
      source.close();
      if (gone[0]) {
        return;
      }
      if (done.succeeded()) {
        try {
          response.end();
        } catch (IllegalStateException alreadyOver) {
          // cancelled or past the deadline
        }
        return;
      }
      Throwable cause = done.cause();
      if (cause instanceof ServiceException se && se.resumeToken().isEmpty() && resumeToken != null) {
        cause = new ServiceException(se.code(), se.getMessage(), resumeToken.get());
      }
      GrpcErrors.fail(response, cause, request.fullMethodName());
    });
  }

  /**
   * Calls {@code gone} when the call breaks before the server ends it: a cancel or reset of the stream, or its
   * connection closing under the call (a killed client, a network cut; it reaches the request while the client
   * is still sending, and the response in any case), each as CANCELLED; any other failure of the request as
   * it is. A request whose framing broke (GrpcFraming) ends the call with that INVALID_ARGUMENT first. It may be
   * called more than once.
   */
  static void onClientGone(GrpcServerRequest<?, ?> request, Handler<Throwable> gone) {
    onClientGone(request, gone, broken -> {
      GrpcErrors.fail(request.response(), broken, request.fullMethodName());
      gone.handle(broken);
    });
  }

  /** The same, with {@code broken} answering a request whose framing broke (an import reports what it stored). */
  static void onClientGone(GrpcServerRequest<?, ?> request, Handler<Throwable> gone, Handler<ServiceException> broken) {
    request.errorHandler(error -> gone.handle(ServiceException.cancelled("the client ended the call: " + error.name())));
    request.exceptionHandler(e -> {
      if (e instanceof ServiceException se && se.code() != ErrorCode.CANCELLED) {
        broken.handle(se);
      } else {
        gone.handle(ClientGone.is(e) ? connectionClosed() : e);
      }
    });
    request.response().exceptionHandler(e -> gone.handle(connectionClosed()));
  }

  private static ServiceException connectionClosed() {
    return ServiceException.cancelled("the client's connection closed");
  }

  /**
   * Before the first write of a stream: gzip when enabled and the client accepts it (streams carry many
   * messages; unary answers are too small to gain).
   */
  static void compressStream(GrpcServerResponse<?, ?> response, boolean compress) {
    if (compress && response.acceptedEncodings().contains("gzip")) {
      response.encoding("gzip");
    }
  }

  /** Runs a call, turning a synchronous throw into a failed future. */
  static <T> Future<T> invoke(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
