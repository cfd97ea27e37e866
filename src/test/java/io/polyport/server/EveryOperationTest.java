package io.polyport.server;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.FeedResponse;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ListUsersRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.DeflaterOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks what the server offers instead of a hand-kept list, so that an operation added later is held to the same
 * rules: every rpc the server's reflection service names, and every operation of openapi.yaml that takes a body.
 * A request compressed in a way the server cannot read is refused the same way on both protocols (UNIMPLEMENTED +
 * grpc-accept-encoding / 415 + Accept-Encoding), a REST body of another media type with 415, a gRPC request
 * message that is not protobuf with INVALID_ARGUMENT — and none of them changes anything stored. (POST /users
 * once answered a wrong media type with 400 while the import answered 415: this is the test that catches that.)
 */
class EveryOperationTest {
  static TestApp app;
  static ManagedChannel fakeCodecChannel;
  static final AtomicInteger RUN = new AtomicInteger();
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  @BeforeAll
  static void start() {
    app = TestApp.start();
    fakeCodecChannel = CompressedRequestsTest.fakeCodecChannel(app);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    fakeCodecChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.close();
  }

  // ---- gRPC: every rpc the server serves, as its reflection service lists them

  @Test
  void everyRpcRefusesAnUnknownCompression() throws Exception {
    List<MethodDescriptor<byte[], byte[]>> methods = servedMethods();
    for (var method : methods) {
      Closed closed = call(fakeCodecChannel, method, CallOptions.DEFAULT.withCompression("x-fake"), new byte[0]);
      assertThat(closed.status.getCode()).as(method.getFullMethodName()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(closed.status.getDescription()).as(method.getFullMethodName())
          .isEqualTo("grpc-encoding 'x-fake' is not supported: send the request uncompressed or gzip-compressed");
      assertThat(closed.trailers.get(Metadata.Key.of("grpc-accept-encoding", Metadata.ASCII_STRING_MARSHALLER)))
          .as(method.getFullMethodName()).isEqualTo("gzip");
    }
  }

  /**
   * Bytes that are not protobuf (a length-delimited field 1 whose length runs past the end) end every rpc that
   * takes one request message with INVALID_ARGUMENT. In a client stream a bad message is one bad record or command
   * among many, reported in the answer while the stream goes on (ImportUsers counts it failed, Feed answers it
   * with a result of code 3): never UNKNOWN or INTERNAL, and never silently dropped.
   */
  @Test
  void everyRpcRefusesBytesThatAreNotProtobuf() throws Exception {
    byte[] truncated = {0x0A, 0x7F, 'x'};
    List<String> inBand = new ArrayList<>();
    for (var method : servedMethods()) {
      Closed closed = call(app.channel, method, CallOptions.DEFAULT, truncated);
      String name = method.getFullMethodName();
      if (!method.getType().clientSendsOneMessage() && closed.status.isOk()) {
        assertThat(closed.messages).as(name + ": the bad message is answered").isNotEmpty();
        inBand.add(name);
        continue;
      }
      assertThat(closed.status.getCode()).as(name).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(closed.status.getDescription()).as(name).isNotBlank();
    }
    assertThat(inBand).containsExactlyInAnyOrder("polyport.users.v1.UserService/ImportUsers", "polyport.users.v1.UserService/Feed");
    var imported = ImportUsersResponse.parseFrom(call(app.channel, method(MethodDescriptor.MethodType.CLIENT_STREAMING,
        "polyport.users.v1.UserService/ImportUsers"), CallOptions.DEFAULT, truncated).messages.get(0));
    assertThat(imported.getFailed()).isEqualTo(1);
    assertThat(imported.getErrors(0).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    var fed = FeedResponse.parseFrom(call(app.channel, method(MethodDescriptor.MethodType.BIDI_STREAMING,
        "polyport.users.v1.UserService/Feed"), CallOptions.DEFAULT, truncated).messages.get(0));
    assertThat(fed.getResult().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
  }

  /** The methods of every service the server's reflection lists (itself included), typed from the descriptors. */
  static List<MethodDescriptor<byte[], byte[]>> servedMethods() throws Exception {
    List<String> services = ask(ServerReflectionRequest.newBuilder().setListServices("").build())
        .getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList();
    List<MethodDescriptor<byte[], byte[]>> methods = new ArrayList<>();
    for (String service : services) {
      var files = ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build())
          .getFileDescriptorResponse().getFileDescriptorProtoList();
      ServiceDescriptorProto found = null;
      for (var bytes : files) {
        var file = FileDescriptorProto.parseFrom(bytes);
        for (var s : file.getServiceList()) {
          if ((file.getPackage().isEmpty() ? "" : file.getPackage() + ".").concat(s.getName()).equals(service)) {
            found = s;
          }
        }
      }
      assertThat(found).as("the descriptor of %s", service).isNotNull();
      for (MethodDescriptorProto m : found.getMethodList()) {
        methods.add(method(type(m), MethodDescriptor.generateFullMethodName(service, m.getName())));
      }
    }
    var names = new TreeSet<String>();
    methods.forEach(m -> names.add(m.getFullMethodName()));
    assertThat(names).contains("polyport.users.v1.UserService/ImportUsers", "polyport.users.v1.UserService/WatchUsers",
        "grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
    return methods;
  }

  static MethodDescriptor<byte[], byte[]> method(MethodDescriptor.MethodType type, String fullName) {
    return MethodDescriptor.newBuilder(BYTES, BYTES).setFullMethodName(fullName).setType(type).build();
  }

  static MethodDescriptor.MethodType type(MethodDescriptorProto m) {
    if (m.getClientStreaming()) {
      return m.getServerStreaming() ? MethodDescriptor.MethodType.BIDI_STREAMING : MethodDescriptor.MethodType.CLIENT_STREAMING;
    }
    return m.getServerStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING : MethodDescriptor.MethodType.UNARY;
  }

  /** One reflection request on its own stream, and its answer. */
  static ServerReflectionResponse ask(ServerReflectionRequest request) throws Exception {
    var answer = new CompletableFuture<ServerReflectionResponse>();
    var requests = ServerReflectionGrpc.newStub(app.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .serverReflectionInfo(new StreamObserver<>() {
          public void onNext(ServerReflectionResponse value) {
            answer.complete(value);
          }

          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          public void onCompleted() {
            answer.completeExceptionally(new IllegalStateException("no answer"));
          }
        });
    requests.onNext(request);
    requests.onCompleted();
    return answer.get(20, TimeUnit.SECONDS);
  }

  record Closed(Status status, Metadata trailers, List<byte[]> messages) {
  }

  /** Sends {@code message} (raw bytes) on a new call of {@code method} and half-closes; the status it ends with. */
  static Closed call(ManagedChannel channel, MethodDescriptor<byte[], byte[]> method, CallOptions options, byte[] message)
      throws Exception {
    var closed = new CompletableFuture<Closed>();
    List<byte[]> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
    ClientCall<byte[], byte[]> call = channel.newCall(method, options.withDeadlineAfter(20, TimeUnit.SECONDS));
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        messages.add(message);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(new Closed(status, trailers, List.copyOf(messages)));
      }
    }, new Metadata());
    call.request(16);
    call.sendMessage(message);
    call.halfClose();
    return closed.get(30, TimeUnit.SECONDS);
  }

  // ---- REST: every operation of the contract that takes a body

  record Operation(String id, HttpMethod method, String path, String mediaType) {
  }

  @SuppressWarnings("unchecked")
  static List<Operation> bodyTakingOperations() throws IOException {
    Map<String, Object> api;
    try (InputStream in = EveryOperationTest.class.getResourceAsStream("/openapi.yaml")) {
      api = new Yaml().load(in);
    }
    List<Operation> ops = new ArrayList<>();
    ((Map<String, Map<String, Object>>) api.get("paths")).forEach((path, item) -> item.forEach((method, op) -> {
      if (op instanceof Map<?, ?> m && m.get("requestBody") instanceof Map<?, ?> body) {
        String mediaType = ((Map<String, Object>) body.get("content")).keySet().iterator().next();
        ops.add(new Operation((String) m.get("operationId"), HttpMethod.valueOf(method.toUpperCase()), path, mediaType));
      }
    }));
    assertThat(ops).extracting(Operation::id).contains("createUser", "importUsers", "updateUser");
    return ops;
  }

  /**
   * Each operation gets a body it would accept (one user's fields, as JSON or as one NDJSON line): with another
   * media type, and with a coding the server does not read, it is refused and nothing changes; the same body
   * deflate-compressed with the right media type is then accepted, so the refusals were about the type and
   * the coding, not the content.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http1", "h2c"})
  void everyOperationTakingABodyRefusesWhatItCannotRead(String transport) throws IOException {
    String tag = "every" + RUN.incrementAndGet();
    WebClient web = transport.equals("http1") ? app.web : app.h2c(false);
    String id = app.blocking().createUser(CreateUserRequest.newBuilder().setName("Kept").setEmail(tag + "@example.com")
        .addTags(tag).build()).getId();
    List<Operation> ops = bodyTakingOperations();
    int n = 0;
    for (Operation op : ops) {
      String body = new JsonObject().put("name", "Changed").put("email", tag + "-" + n++ + "@example.com")
          .put("tags", List.of(tag)).encode() + (op.mediaType().equals("application/x-ndjson") ? "\n" : "");
      var wrongType = send(web, op, id, "text/plain", null, Buffer.buffer(body));
      assertThat(wrongType.statusCode()).as(op.id() + " " + wrongType.bodyAsString()).isEqualTo(415);
      assertThat(wrongType.bodyAsJsonObject().getString("detail")).as(op.id()).contains(op.mediaType());

      var wrongCoding = send(web, op, id, op.mediaType(), "br", Buffer.buffer(body));
      assertThat(wrongCoding.statusCode()).as(op.id() + " " + wrongCoding.bodyAsString()).isEqualTo(415);
      assertThat(wrongCoding.getHeader("accept-encoding")).as(op.id()).isEqualTo("gzip, deflate");
      assertThat(wrongCoding.bodyAsJsonObject().getString("code")).as(op.id()).isEqualTo("UNIMPLEMENTED");
    }
    // nothing was created or changed
    assertThat(tagged(tag)).isEqualTo(1);
    var kept = app.blocking().getUser(GetUserRequest.newBuilder().setId(id).build());
    assertThat(kept.getName()).isEqualTo("Kept");
    assertThat(kept.getVersion()).isEqualTo(1);

    for (Operation op : ops) {
      String body = new JsonObject().put("name", "Changed").put("email", tag + "-ok-" + n++ + "@example.com")
          .put("tags", List.of(tag)).encode() + (op.mediaType().equals("application/x-ndjson") ? "\n" : "");
      var accepted = send(web, op, id, op.mediaType(), "deflate", deflate(body));
      assertThat(accepted.statusCode()).as(op.id() + " " + accepted.bodyAsString()).isBetween(200, 299);
    }
    assertThat(app.blocking().getUser(GetUserRequest.newBuilder().setId(id).build()).getName()).isEqualTo("Changed");
  }

  /** Sends {@code body} to {@code op}, {@code id} in its path (if it has one). */
  static HttpResponse<Buffer> send(WebClient web, Operation op, String id, String contentType, String coding, Buffer body) {
    var request = web.request(op.method(), op.path().replace("{id}", id)).putHeader("content-type", contentType);
    if (coding != null) {
      request.putHeader("content-encoding", coding);
    }
    return request.sendBuffer(body).await();
  }

  static long tagged(String tag) {
    long[] count = {0};
    app.blocking().listUsers(ListUsersRequest.newBuilder().setTag(tag).build()).forEachRemaining(u -> count[0]++);
    return count[0];
  }

  static Buffer deflate(String text) {
    return CompressedRequestsTest.compressed(text, DeflaterOutputStream::new);
  }
}
