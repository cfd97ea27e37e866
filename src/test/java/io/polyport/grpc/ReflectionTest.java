package io.polyport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.reflection.v1.ExtensionRequest;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.polyport.testing.TestApp;
import io.polyport.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server reflection, v1 and v1alpha, through grpc-java's own reflection stubs and without a token (it is
 * open even when authentication is on): several requests on one stream, as grpcurl sends them.
 */
class ReflectionTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(Tokens.authConfig());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1", "v1alpha"})
  void answersEveryRequestOfOneStream(String version) throws Exception {
    try (Session session = Session.open(app.channel, version)) {
      var listed = session.ask(ServerReflectionRequest.newBuilder().setHost("h").setListServices("").build());
      assertThat(listed.getValidHost()).isEqualTo("h");
      assertThat(listed.getOriginalRequest().hasListServices()).isTrue();
      assertThat(listed.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
          .containsExactlyInAnyOrder("polyport.users.v1.UserService", "grpc.health.v1.Health",
              "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

      var bySymbol = session.ask(ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol("polyport.users.v1.UserService").build());
      Map<String, FileDescriptor> files = build(bySymbol.getFileDescriptorResponse().getFileDescriptorProtoList());
      assertThat(files).containsOnlyKeys("polyport/users/v1/users.proto", "google/protobuf/empty.proto",
          "google/protobuf/field_mask.proto", "google/protobuf/timestamp.proto");
      var service = files.get("polyport/users/v1/users.proto").findServiceByName("UserService");
      assertThat(service.getMethods()).extracting(m -> m.getName()).containsExactly("CreateUser", "GetUser",
          "UpdateUser", "DeleteUser", "ListUsers", "ImportUsers", "WatchUsers", "Feed");
      assertThat(service.findMethodByName("Feed").isClientStreaming()).isTrue();
      // the descriptors carry the comments of the .proto, so a client can show them
      assertThat(files.get("polyport/users/v1/users.proto").toProto().getSourceCodeInfo().getLocationList())
          .anyMatch(l -> l.getLeadingComments().contains("Streams users in ascending id order"));

      var method = session.ask(ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol("polyport.users.v1.UserService.ListUsers").build());
      assertThat(names(method)).first().isEqualTo("polyport/users/v1/users.proto");
      var nestedEnum = session.ask(ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol("grpc.health.v1.HealthCheckResponse.ServingStatus").build());
      assertThat(names(nestedEnum)).containsExactly("grpc/health/v1/health.proto");
      var own = session.ask(ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol("grpc.reflection." + version + ".ServerReflection").build());
      var reflection = build(own.getFileDescriptorResponse().getFileDescriptorProtoList())
          .get("grpc/reflection/" + version + "/reflection.proto");
      assertThat(reflection.findServiceByName("ServerReflection").getMethods().get(0).getInputType().getFullName())
          .isEqualTo("grpc.reflection." + version + ".ServerReflectionRequest");

      var byName = session.ask(ServerReflectionRequest.newBuilder()
          .setFileByFilename("google/protobuf/timestamp.proto").build());
      assertThat(names(byName)).containsExactly("google/protobuf/timestamp.proto");
      var numbers = session.ask(ServerReflectionRequest.newBuilder()
          .setAllExtensionNumbersOfType("polyport.users.v1.User").build());
      assertThat(numbers.getAllExtensionNumbersResponse().getBaseTypeName()).isEqualTo("polyport.users.v1.User");
      assertThat(numbers.getAllExtensionNumbersResponse().getExtensionNumberList()).isEmpty();

      assertNotFound(session.ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol("no.such.Thing").build()),
          "no symbol named no.such.Thing");
      assertNotFound(session.ask(ServerReflectionRequest.newBuilder().setFileByFilename("nope.proto").build()),
          "no file named nope.proto");
      assertNotFound(session.ask(ServerReflectionRequest.newBuilder().setFileContainingExtension(
          ExtensionRequest.newBuilder().setContainingType("polyport.users.v1.User").setExtensionNumber(100)).build()),
          "no extension 100 of polyport.users.v1.User");
      assertNotFound(session.ask(ServerReflectionRequest.newBuilder().setAllExtensionNumbersOfType("no.Such").build()),
          "no message type named no.Such");

      // still answering after the errors, and the stream ends cleanly when the client half-closes
      assertThat(session.ask(ServerReflectionRequest.newBuilder().setListServices("").build())
          .getListServicesResponse().getServiceCount()).isEqualTo(4);
      session.finish();
    }
  }

  private static void assertNotFound(ServerReflectionResponse response, String message) {
    assertThat(response.hasErrorResponse()).as("%s", response).isTrue();
    assertThat(response.getErrorResponse().getErrorCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND.value());
    assertThat(response.getErrorResponse().getErrorMessage()).isEqualTo(message);
  }

  private static List<String> names(ServerReflectionResponse response) throws InvalidProtocolBufferException {
    assertThat(response.hasFileDescriptorResponse()).as("%s", response).isTrue();
    List<String> names = new ArrayList<>();
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      names.add(FileDescriptorProto.parseFrom(bytes).getName());
    }
    return names;
  }

  /** Builds the returned files against each other: proves the answer carries every dependency. */
  private static Map<String, FileDescriptor> build(List<ByteString> serialized) throws Exception {
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    for (ByteString bytes : serialized) {
      FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
      protos.put(proto.getName(), proto);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    for (String name : protos.keySet()) {
      build(name, protos, built);
    }
    return built;
  }

  private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
                                      Map<String, FileDescriptor> built) throws Exception {
    if (built.containsKey(name)) {
      return built.get(name);
    }
    FileDescriptorProto proto = protos.get(name);
    assertThat(proto).as("dependency %s is in the answer", name).isNotNull();
    List<FileDescriptor> deps = new ArrayList<>();
    for (String dep : proto.getDependencyList()) {
      deps.add(build(dep, protos, built));
    }
    FileDescriptor file = FileDescriptor.buildFrom(proto, deps.toArray(FileDescriptor[]::new));
    built.put(name, file);
    return file;
  }

  /**
   * One reflection stream through grpc-java's generated stub of v1 or v1alpha; v1alpha messages are
   * converted to v1 by their bytes (the two have the same wire format), so the assertions are shared.
   */
  static final class Session implements AutoCloseable {
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final StreamObserver<byte[]> requests;
    private boolean finished;

    private Session(Function<StreamObserver<byte[]>, StreamObserver<byte[]>> open) {
      this.requests = open.apply(new StreamObserver<>() {
        public void onNext(byte[] value) {
          received.add(value);
        }

        public void onError(Throwable t) {
          received.add(t);
        }

        public void onCompleted() {
          received.add("completed");
        }
      });
    }

    static Session open(ManagedChannel channel, String version) {
      return new Session(responses -> version.equals("v1")
          ? adapt(ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
              map(responses, io.grpc.reflection.v1.ServerReflectionResponse::toByteArray)),
              io.grpc.reflection.v1.ServerReflectionRequest::parseFrom)
          : adapt(io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
              map(responses, io.grpc.reflection.v1alpha.ServerReflectionResponse::toByteArray)),
              io.grpc.reflection.v1alpha.ServerReflectionRequest::parseFrom));
    }

    ServerReflectionResponse ask(ServerReflectionRequest request) throws Exception {
      requests.onNext(request.toByteArray());
      Object next = received.poll(20, TimeUnit.SECONDS);
      assertThat(next).as("an answer to %s", request).isInstanceOf(byte[].class);
      return ServerReflectionResponse.parseFrom((byte[]) next);
    }

    void finish() throws InterruptedException {
      requests.onCompleted();
      finished = true;
      assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("completed");
    }

    @Override
    public void close() {
      if (!finished) {
        requests.onError(new IllegalStateException("test over"));
      }
    }

    interface Parser<T> {
      T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    private static <T> StreamObserver<T> map(StreamObserver<byte[]> target, Function<T, byte[]> bytes) {
      return new StreamObserver<>() {
        public void onNext(T value) {
          target.onNext(bytes.apply(value));
        }

        public void onError(Throwable t) {
          target.onError(t);
        }

        public void onCompleted() {
          target.onCompleted();
        }
      };
    }

    private static <T> StreamObserver<byte[]> adapt(StreamObserver<T> target, Parser<T> parser) {
      return new StreamObserver<>() {
        public void onNext(byte[] value) {
          try {
            target.onNext(parser.parse(value));
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
          }
        }

        public void onError(Throwable t) {
          target.onError(t);
        }

        public void onCompleted() {
          target.onCompleted();
        }
      };
    }
  }
}
