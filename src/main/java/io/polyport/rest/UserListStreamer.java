package io.polyport.rest;

import io.polyport.AppConfig;
import io.polyport.api.UserJson;
import io.polyport.domain.ListQuery;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.service.UserService;
import io.polyport.support.ClosableReadStream;
import io.polyport.support.CoalescingHttpServerResponse;
import io.polyport.support.Streams;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /users: the list stream as NDJSON (one proto3 JSON user per line) when the client accepts
 * application/x-ndjson, else as a JSON array written element by element. Reads the cursor only as fast
 * as the socket drains; closes it when the client goes away.
 */
final class UserListStreamer {
  static final String NDJSON = "application/x-ndjson";
  private final UserService users;

  UserListStreamer(UserService users) {
    this.users = users;
  }

  void handle(RoutingContext ctx) {
    ListQuery query;
    try {
      query = new ListQuery(ctx.queryParams().get("after"), ctx.queryParams().get("tag"), limit(ctx));
    } catch (ServiceException e) {
      RestErrors.send(ctx, e);
      return;
    }
    users.list(query).onSuccess(stream -> send(ctx, stream)).onFailure(e -> RestErrors.send(ctx, e));
  }

  private static int limit(RoutingContext ctx) {
    String raw = ctx.queryParams().get("limit");
    if (raw == null || raw.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw ServiceException.invalid("limit must be a whole number");
    }
  }

  /** Lines of one event-loop turn (a cursor batch arrives in one) leave as one chunk of up to this size. */
  private static final int CHUNK_BYTES = 16 * 1024;
  /** A typical user's line fits without the buffer growing. */
  private static final int LINE_BYTES = 256;

  private static void send(RoutingContext ctx, ClosableReadStream<User> stream) {
    // the first chunk holds at least the gzip threshold (or the whole answer): the compressor decides on it
    HttpServerResponse response = new CoalescingHttpServerResponse(ctx.response(), ctx.vertx().getOrCreateContext(),
        CHUNK_BYTES, AppConfig.Http.GZIP_MIN_BYTES);
    boolean ndjson = accepts(ctx, NDJSON);
    response.setChunked(true).putHeader("content-type", ndjson ? NDJSON : "application/json");
    response.closeHandler(v -> stream.close());
    response.exceptionHandler(e -> stream.close());
    boolean[] first = {true};
    Streams.pump(stream, response, user -> {
      Buffer out = Buffer.buffer(LINE_BYTES);
      if (ndjson) {
        UserJson.write(user, out).appendByte((byte) '\n');
      } else {
        UserJson.write(user, out.appendByte((byte) (first[0] ? '[' : ',')));
      }
      first[0] = false;
      return out;
    }).onSuccess(v -> response.end(ndjson ? Buffer.buffer() : Buffer.buffer(first[0] ? "[]" : "]")))
        .onFailure(e -> {
          stream.close();
          RestErrors.send(ctx, e);
        });
  }

  private static boolean accepts(RoutingContext ctx, String mediaType) {
    String accept = ctx.request().getHeader("accept");
    return accept != null && accept.contains(mediaType);
  }
}
