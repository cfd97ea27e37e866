package io.polyport.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.polyport.testing.TestApp;
import io.polyport.testing.VertxGrpc;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserServiceGrpc;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS on the one port, with a certificate made at test time: ALPN gives h2 to gRPC and HTTP/2 REST and
 * http/1.1 to REST, with PEM files or a PKCS12 keystore.
 */
class TlsTest {

  @Test
  void pemCertificateServesRestOnHttp1AndH2AndGrpcOnOnePort() {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    try (TestApp app = TestApp.start(new JsonObject().put("tls", new JsonObject()
        .put("cert", cert.certificatePath()).put("key", cert.privateKeyPath())))) {
      assertEverythingOverTls(app, cert.certificatePath());
    } finally {
      cert.delete();
    }
  }

  @Test
  void pkcs12KeystoreWorksToo(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    Path keystore = dir.resolve("server.p12");
    toPkcs12(cert, keystore, "changeit");
    try (TestApp app = TestApp.start(new JsonObject().put("tls", new JsonObject()
        .put("keystore", keystore.toString()).put("keystorePassword", "changeit")))) {
      assertEverythingOverTls(app, cert.certificatePath());
    } finally {
      cert.delete();
    }
  }

  static void assertEverythingOverTls(TestApp app, String certPath) {
    String id = grpcJava(app, certPath);

    var http1 = WebClient.create(app.vertx, new WebClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setDefaultHost("localhost").setDefaultPort(app.port()));
    var h2 = WebClient.create(app.vertx, new WebClientOptions().setSsl(true).setUseAlpn(true).setTrustAll(true)
        .setVerifyHost(false).setProtocolVersion(HttpVersion.HTTP_2).setDefaultHost("localhost").setDefaultPort(app.port()));
    var r1 = http1.get("/users/" + id).send().await();
    var r2 = h2.get("/users/" + id).send().await();
    assertThat(r1.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(r2.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(List.of(r1.statusCode(), r2.statusCode())).containsOnly(200);
    assertThat(r1.bodyAsString()).isEqualTo(r2.bodyAsString());
    http1.close();
    h2.close();

    GrpcClient client = GrpcClient.client(app.vertx, new GrpcClientOptions(), new HttpClientOptions()
        .setSsl(true).setUseAlpn(true).setTrustAll(true).setVerifyHost(false).setProtocolVersion(HttpVersion.HTTP_2));
    try {
      var vertxGrpc = new VertxGrpc(client, SocketAddress.inetSocketAddress(app.port(), "localhost"));
      User viaVertx = vertxGrpc.unary(UserServiceGrpcClient.GetUser, GetUserRequest.newBuilder().setId(id).build()).await();
      assertThat(viaVertx.getId()).isEqualTo(id);
    } finally {
      client.close().await();
    }
    // plaintext is refused on a TLS port
    assertThat(app.web.get("/users/" + id).send().otherwise(e -> null).await()).isNull();
  }

  static String grpcJava(TestApp app, String certPath) {
    ManagedChannel channel;
    try {
      channel = NettyChannelBuilder.forAddress("localhost", app.port())
          .sslContext(GrpcSslContexts.forClient().trustManager(new File(certPath)).build()).build();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    try {
      var stub = UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
      User created = stub.createUser(CreateUserRequest.newBuilder().setName("Tls").setEmail("tls" + System.nanoTime() + "@example.com").build());
      assertThat(stub.getUser(GetUserRequest.newBuilder().setId(created.getId()).build())).isEqualTo(created);
      return created.getId();
    } finally {
      channel.shutdownNow();
    }
  }

  static void toPkcs12(SelfSignedCertificate cert, Path target, String password) throws Exception {
    String pem = Files.readString(Path.of(cert.privateKeyPath()));
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    Certificate certificate;
    try (var in = Files.newInputStream(Path.of(cert.certificatePath()))) {
      certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, password.toCharArray(), new Certificate[] {certificate});
    try (var out = new FileOutputStream(target.toFile())) {
      store.store(out, password.toCharArray());
    }
  }
}
