package io.polyport.server;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.UserServiceGrpc;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Compressed requests, the same on both protocols: gzip request bodies (REST content-encoding) and gzip
 * messages (gRPC grpc-encoding) are read; any other compression is refused before anything is stored, with
 * 415 + Accept-Encoding / UNIMPLEMENTED + grpc-accept-encoding and the same message.
 */
class CompressedRequestsTest {
  static TestApp app;
  static ManagedChannel fakeCodecChannel;
  static final AtomicInteger RUN = new AtomicInteger();

  /** A compression this server does not know: grpc-java flags its messages compressed with "x-fake". */
  static final Codec FAKE = new Codec() {
    public String getMessageEncoding() {
      return "x-fake";
    }

    public OutputStream compress(OutputStream os) {
      return os;
    }

    public InputStream decompress(InputStream is) {
      return is;
    }
  };

  @BeforeAll
  static void start() {
    app = TestApp.start();
    fakeCodecChannel = fakeCodecChannel(app);
  }

  /** A grpc-java channel to {@code app} that can compress with {@link #FAKE}. */
  static ManagedChannel fakeCodecChannel(TestApp app) {
    CompressorRegistry compressors = CompressorRegistry.newEmptyInstance();
    compressors.register(FAKE);
    return ManagedChannelBuilder.forAddress("127.0.0.1", app.port()).usePlaintext().compressorRegistry(compressors).build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    fakeCodecChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.close();
  }

  static String tag() {
    return "gz" + RUN.incrementAndGet();
  }

  static Buffer gzip(String text) {
    return compressed(text, GZIPOutputStream::new);
  }

  interface Compressor {
    OutputStream over(OutputStream out) throws IOException;
  }

  /** {@code text} in UTF-8, through {@code compressor}. */
  static Buffer compressed(String text, Compressor compressor) {
    var bytes = new ByteArrayOutputStream();
    try (var out = compressor.over(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  static JsonObject user(String tag, int i) {
    return new JsonObject().put("name", "Packed " + i).put("email", tag + "-" + i + "@example.com").put("tags", List.of(tag));
  }

  static CreateUserRequest proto(String tag, int i) {
    return CreateUserRequest.newBuilder().setName("Packed " + i).setEmail(tag + "-" + i + "@example.com").addTags(tag).build();
  }

  static long stored(String tag) {
    long[] count = {0};
    app.blocking().listUsers(ListUsersRequest.newBuilder().setTag(tag).build()).forEachRemaining(u -> count[0]++);
    return count[0];
  }

  static WebClient rest(String transport) {
    return transport.equals("http1") ? app.web : app.h2c(false);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http1", "h2c"})
  void restReadsGzipBodies(String transport) {
    String tag = tag();
    WebClient web = rest(transport);
    var created = post(web, "/users", "gzip", gzip(user(tag, 0).encode()));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(web.get("/users/" + id).send().await().bodyAsJsonObject().getString("email")).isEqualTo(tag + "-0@example.com");

    String ndjson = user(tag, 1).encode() + "\n" + "{broken\n" + user(tag, 2).encode() + "\n";
    var imported = post(web, "/users/import", "gzip", gzip(ndjson));
    assertThat(imported.statusCode()).as(imported.bodyAsString()).isEqualTo(200);
    assertThat(imported.bodyAsJsonObject().getInteger("created")).isEqualTo(2);
    assertThat(imported.bodyAsJsonObject().getInteger("failed")).isEqualTo(1);
    assertThat(stored(tag)).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http1", "h2c"})
  void restRefusesOtherCodingsAndStoresNothing(String transport) {
    String tag = tag();
    WebClient web = rest(transport);
    var created = post(web, "/users", "br", Buffer.buffer(user(tag, 0).encode()));
    assertUnsupported(created, "br");
    var imported = post(web, "/users/import", "zz", Buffer.buffer(user(tag, 1).encode() + "\n"));
    assertUnsupported(imported, "zz");
    assertThat(stored(tag)).isZero();
  }

  /** POSTs {@code body} with this content-encoding, as JSON to /users and as NDJSON to /users/import. */
  static HttpResponse<Buffer> post(WebClient web, String path, String coding, Buffer body) {
    return web.post(path).putHeader("content-type", path.endsWith("/import") ? "application/x-ndjson" : "application/json")
        .putHeader("content-encoding", coding).sendBuffer(body).await();
  }

  static void assertUnsupported(HttpResponse<Buffer> resp, String coding) {
    assertThat(resp.statusCode()).isEqualTo(415);
    assertThat(resp.getHeader("accept-encoding")).isEqualTo("gzip, deflate");
    JsonObject problem = resp.bodyAsJsonObject();
    assertThat(problem.getString("code")).isEqualTo("UNIMPLEMENTED");
    assertThat(problem.getString("detail"))
        .isEqualTo("content-encoding '" + coding + "' is not supported: send the request uncompressed or gzip-compressed");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http1", "h2c"})
  void theBodyLimitCountsInflatedBytes(String transport) {
    // 2 MiB of JSON whitespace compresses to a few KiB; the limit (1 MiB) applies to what it inflates to
    String padded = "{\"name\":\"Big\",\"email\":\"" + tag() + "@example.com\"" + " ".repeat(2 << 20) + "}";
    Buffer body = gzip(padded);
    assertThat(body.length()).isLessThan(16 * 1024);
    var resp = post(rest(transport), "/users", "gzip", body);
    assertThat(resp.statusCode()).isEqualTo(413);
  }

  @Test
  void theMessageLimitCountsInflatedBytes() {
    // 5 MiB of one letter compresses to a few KiB; the limit (4 MiB) applies to what it inflates to
    String tag = tag();
    var bomb = CreateUserRequest.newBuilder().setName("a".repeat(5 << 20)).setEmail(tag + "-big@example.com").build();
    String limit = "a message exceeds the limit of 4194304 bytes";
    assertThatThrownBy(() -> app.blocking().withCompression("gzip").createUser(bomb))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).isEqualTo(limit);
        });
    // in an import it ends the import, as an over-long NDJSON line does, keeping what was stored
    assertThatThrownBy(() -> Seed.importAll(app.async().withCompression("gzip"), List.of(proto(tag, 0), bomb)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).isEqualTo(limit + "; stored 1, rejected 0");
        });
    assertThat(stored(tag)).isEqualTo(1);
  }

  @Test
  void grpcJavaGzipMessages() {
    String tag = tag();
    var stub = app.blocking().withCompression("gzip");
    String id = stub.createUser(proto(tag, 0)).getId();
    assertThat(app.blocking().getUser(GetUserRequest.newBuilder().setId(id).build()).getEmail()).isEqualTo(tag + "-0@example.com");
    var imported = Seed.importAll(app.async().withCompression("gzip"), List.of(proto(tag, 1), proto(tag, 2)));
    assertThat(imported.getCreated()).isEqualTo(2);
    assertThat(stored(tag)).isEqualTo(3);
  }

  @Test
  void vertxGrpcGzipMessages() {
    String tag = tag();
    var user = app.grpc.unary(UserServiceGrpcClient.CreateUser, proto(tag, 0), request -> request.encoding("gzip")).await();
    assertThat(user.getEmail()).isEqualTo(tag + "-0@example.com");
    assertThat(stored(tag)).isEqualTo(1);
  }

  @Test
  void grpcRefusesOtherEncodingsAndStoresNothing() {
    String tag = tag();
    var unary = UserServiceGrpc.newBlockingStub(fakeCodecChannel).withCompression("x-fake");
    assertThatThrownBy(() -> unary.createUser(proto(tag, 0)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, CompressedRequestsTest::assertUnimplemented);
    var stream = UserServiceGrpc.newStub(fakeCodecChannel).withCompression("x-fake");
    var records = IntStream.range(1, 50).mapToObj(i -> proto(tag, i)).toList();
    assertThatThrownBy(() -> Seed.importAll(stream, records))
        .isInstanceOfSatisfying(StatusRuntimeException.class, CompressedRequestsTest::assertUnimplemented);
    assertThat(stored(tag)).isZero();
  }

  static void assertUnimplemented(StatusRuntimeException e) {
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("grpc-encoding 'x-fake' is not supported: send the request uncompressed or gzip-compressed");
    assertThat(e.getTrailers().get(Metadata.Key.of("grpc-accept-encoding", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("gzip");
  }
}
