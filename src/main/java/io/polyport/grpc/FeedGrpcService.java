package io.polyport.grpc;

import io.polyport.api.FeedProtos;
import io.polyport.auth.Authenticator;
import io.polyport.auth.OperationScopes;
import io.polyport.auth.Principal;
import io.polyport.domain.FeedCommand;
import io.polyport.domain.FeedOutput;
import io.polyport.domain.ServiceException;
import io.polyport.feed.Feeds;
import io.polyport.service.UserService;
import io.polyport.support.ClosableReadStream;
import io.polyport.support.ConnectionKeepAlive;
import io.polyport.support.MappedWriteStream;
import io.polyport.users.v1.FeedRequest;
import io.polyport.users.v1.FeedResponse;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.UserServiceGrpcService;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

/**
 * The live-feed rpcs: WatchUsers (server stream) and Feed (bidirectional). Translation only, and while a feed is
 * open its connection is kept alive ({@link ConnectionKeepAlive}): a live feed never ends on its own, however
 * quiet.
 */
public final class FeedGrpcService {
  private final UserService users;
  private final long maxMessageBytes;
  private final boolean compress;
  private final GrpcAuth auth;
  private final ConnectionKeepAlive keepAlive;

  public FeedGrpcService(UserService users, long maxMessageBytes, boolean compress,
                        Authenticator auth, OperationScopes scopes, ConnectionKeepAlive keepAlive) {
    this.users = users;
    this.keepAlive = keepAlive;
    this.maxMessageBytes = maxMessageBytes;
    this.compress = compress;
    this.auth = new GrpcAuth(auth, scopes);
  }

  public void bind(GrpcServer server) {
    server.callHandler(UserServiceGrpcService.WatchUsers, auth.guard("WatchUsers", (r, p) -> watchUsers(r)));
    server.callHandler(UserServiceGrpcService.Feed, auth.guard("Feed", this::feed));
  }

  private void watchUsers(GrpcServerRequest<WatchUsersRequest, UserEvent> request) {
    GrpcCalls.onMessage(request, WatchUsersRequest.parser(), maxMessageBytes, message ->
        users.watch(FeedProtos.fromProto(message)).onComplete(watched -> {
          if (watched.failed()) {
            GrpcErrors.fail(request.response(), watched.cause(), request.fullMethodName());
            return;
          }
          var stream = watched.result();
          GrpcCalls.compressStream(request.response(), compress);
          // headers now: the client knows it is subscribed before the first event
          request.response().writeHead();
          // the stream is closed however the call ends (cancel, deadline, lost connection, overflow)
          var held = ClosableReadStream.onClose(stream, keepAlive.hold(request.connection()));
          GrpcCalls.stream(request, held, FeedProtos::toProto, () -> Feeds.lastToken(stream));
        }));
  }

  private void feed(GrpcServerRequest<FeedRequest, FeedResponse> request, Principal caller) {
    if (!GrpcInput.admit(request, maxMessageBytes)) {
      return;
    }
    var commands = new GrpcMessageStream<>(request, message -> {
      try {
        return FeedProtos.fromProto(GrpcInput.decode(message, FeedRequest.parser(), maxMessageBytes));
      } catch (ServiceException e) {
        return FeedCommand.invalid("", e);
      }
    });
    var output = new MappedWriteStream<FeedOutput, FeedResponse>(request.response(), FeedProtos::toProto);
    GrpcCalls.compressStream(request.response(), compress);
    request.response().writeHead();
    Runnable release = keepAlive.hold(request.connection());
    // ended, or failed, once its last message is written: trailers queued behind messages the client's window
    // holds back are dropped with Vert.x 5.0.7's NullPointerException if the client then resets
    users.session(commands, output, caller.may(Principal.WRITE)).eventually(output::written).onComplete(done -> {
      release.run();
      if (done.succeeded()) {
        try {
          request.response().end();
        } catch (IllegalStateException alreadyOver) {
          // the client went away first
        }
      } else {
        GrpcErrors.fail(request.response(), done.cause(), request.fullMethodName());
      }
    });
  }
}
