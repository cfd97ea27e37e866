package io.polyport.persistence;

import io.polyport.testing.ServerProcess;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a server process of its own (so that no earlier test's driver client has made the JVM's channel group), the
 * driver's sockets are polled only by {@code mongo.ioThreads} threads that complete what they poll themselves
 * ({@link MongoConnections#completeWherePolled}): the JVM's default channel group otherwise also has an internal
 * poller thread, which hands every completion it picks up to another thread.
 */
class DriverThreadsTest {
  @Test
  void theDriversSocketsArePolledOnlyByTheConfiguredThreadsThatCompleteWhatTheyPoll() throws Exception {
    try (ServerProcess server = ServerProcess.start(Map.of("DATA_DIR", "memory", "MONGO_IO_THREADS", "2"))) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .createUser(CreateUserRequest.newBuilder().setName("Ada").setEmail("ada@example.com").build());
      } finally {
        channel.shutdownNow();
      }
      // the JDK's poller loop (EPollPort on Linux, KQueuePort on macOS): on its pool's threads it completes what it
      // polls; on an internal thread (no pool worker under it) it hands each completion over
      List<String> pollers = threads(server.pid()).stream()
          .filter(thread -> thread.contains("Port$EventHandlerTask.run"))
          .toList();
      assertThat(pollers).hasSize(2);
      assertThat(pollers).allSatisfy(thread -> assertThat(thread).contains("java.util.concurrent.ThreadPoolExecutor$Worker.run"));
    }
  }

  /** The threads of a JVM, one stack each, from jcmd's thread dump. */
  private static List<String> threads(long pid) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process dump = new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
    String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dump.exitValue()).as(text).isZero();
    return Arrays.stream(text.split("\n\\s*\n")).filter(block -> block.startsWith("\"")).toList();
  }
}
