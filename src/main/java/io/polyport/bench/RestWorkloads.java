package io.polyport.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The REST scenarios over the Vert.x HTTP client: HTTP/1.1 keep-alive without pipelining (one request in
 * flight per connection), or h2c with prior knowledge; with {@code gzip} they accept compressed answers and inflate
 * them. One client with one connection per slot; worker w uses slot w % connections (so over HTTP/1.1, more
 * workers than connections queue for the connection). Only 2xx answers (201 for a create, 200 otherwise) count as successes.
 */
final class RestWorkloads {
  static final String NDJSON = "application/x-ndjson";
  private static final int CHUNK_BYTES = 32 * 1024;
  private final List<HttpClientAgent> clients = new ArrayList<>();

  RestWorkloads(Vertx vertx, String host, int port, int connections, boolean h2c, boolean gzip, int windowBytes) {
    var options = new HttpClientOptions().setDefaultHost(host).setDefaultPort(port).setKeepAlive(true)
        .setDecompressionSupported(gzip)
        .setPipelining(false).setTcpNoDelay(true).setProtocolVersion(h2c ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1)
        .setHttp2ClearTextUpgrade(false).setHttp2ConnectionWindowSize(windowBytes)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(windowBytes));
    for (int i = 0; i < connections; i++) {
      clients.add(vertx.httpClientBuilder().with(options)
          .with(new PoolOptions().setHttp1MaxSize(1).setHttp2MaxSize(1)).build());
    }
  }

  private HttpClientAgent client(int worker) {
    return clients.get(worker % clients.size());
  }

  private static Future<Buffer> body(HttpClientResponse resp, int expected) {
    return resp.body().compose(body -> resp.statusCode() == expected ? Future.succeededFuture(body)
        : Future.failedFuture(new IllegalStateException("HTTP " + resp.statusCode() + " " + abbreviate(body))));
  }

  private static String abbreviate(Buffer body) {
    String s = body == null ? "" : body.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  Workload create(String name, Users users, int workers) {
    Users.Source[] sources = new Users.Source[workers];
    for (int w = 0; w < workers; w++) {
      sources[w] = users.source();
    }
    return GrpcWorkloads.workload(name, true, w -> {
      Buffer json = Buffer.buffer(128);
      sources[w].ndjson(json);
      return client(w).request(HttpMethod.POST, "/users")
          .compose(req -> req.putHeader("content-type", "application/json").send(json))
          .compose(resp -> body(resp, 201)).map(b -> 1L);
    });
  }

  Workload get(String name, List<String> ids, int workers) {
    long[] next = new long[workers];
    return GrpcWorkloads.workload(name, true, w -> {
      String id = ids.get((int) ((next[w]++ * workers + w) % ids.size()));
      return client(w).request(HttpMethod.GET, "/users/" + id)
          .compose(HttpClientRequest::send).compose(resp -> body(resp, 200)).map(b -> 1L);
    });
  }

  /** One whole GET /users as NDJSON; the units are the lines received (counted, not parsed). */
  Workload list(String name, int limit) {
    String uri = "/users" + (limit > 0 ? "?limit=" + limit : "");
    return GrpcWorkloads.workload(name, false, w -> client(w).request(HttpMethod.GET, uri)
        .compose(req -> req.putHeader("accept", NDJSON).send())
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return body(resp, 200).map(b -> 0L);
          }
          long[] lines = {0};
          resp.handler(chunk -> {
            for (int i = 0, n = chunk.length(); i < n; i++) {
              if (chunk.getByte(i) == '\n') {
                lines[0]++;
              }
            }
          });
          return resp.end().map(v -> lines[0]);
        }));
  }

  /** One POST /users/import of {@code records} new users as an NDJSON body, written as fast as it drains. */
  Workload importUsers(String name, Users users, long records) {
    return GrpcWorkloads.workload(name, false, w -> client(w).request(HttpMethod.POST, "/users/import")
        .compose(req -> {
          Users.Source source = users.source();
          req.setChunked(true).putHeader("content-type", NDJSON);
          Future<HttpClientResponse> response = req.response();
          long[] sent = {0};
          Runnable[] pump = new Runnable[1];
          pump[0] = () -> {
            while (!response.isComplete() && sent[0] < records && !req.writeQueueFull()) {
              Buffer chunk = Buffer.buffer(CHUNK_BYTES + 256);
              while (chunk.length() < CHUNK_BYTES && sent[0] < records) {
                source.ndjson(chunk);
                sent[0]++;
              }
              req.write(chunk);
            }
            if (sent[0] == records) {
              req.end();
            } else if (!response.isComplete()) {
              req.drainHandler(v -> pump[0].run());
            }
          };
          pump[0].run();
          return response;
        })
        .compose(resp -> body(resp, 200))
        .compose(body -> {
          JsonObject r = body.toJsonObject();
          long created = r.getLong("created", 0L);
          long failed = r.getLong("failed", 0L);
          return created == records && failed == 0 ? Future.succeededFuture(records)
              : Future.failedFuture(new IllegalStateException("import created " + created + " of " + records
                  + ", failed " + failed));
        }));
  }

  Future<Void> close() {
    return Future.all(clients.stream().map(HttpClientAgent::close).toList()).mapEmpty();
  }
}
