package io.polyport.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Polyport as a separate operating-system process (the same main class the jar runs), for what only a
 * real process shows: SIGTERM handling and surviving kill -9. Its port is read from its start-up log line.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Polyport listening on https?://[^:]+:(\\d+)");
  private final Process process;
  private final int port;
  private final List<String> output;
  private final Thread reader;

  private ServerProcess(Process process, int port, List<String> output, Thread reader) {
    this.process = process;
    this.port = port;
    this.output = output;
    this.reader = reader;
  }

  /** Starts {@code io.polyport.Main} with these environment variables and waits (bounded) until it listens. */
  public static ServerProcess start(Map<String, String> env) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "io.polyport.Main", "--config", "does-not-exist.json").redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().putIfAbsent("PORT", "0");
    Process process = builder.start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      port.completeExceptionally(new IllegalStateException("the server exited before listening: " + output));
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ServerProcess(process, port.get(60, TimeUnit.SECONDS), output, reader);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("the server did not start: " + output, e);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Sends SIGTERM and waits (bounded) for the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    return waitFor();
  }

  /** Sends SIGKILL (kill -9) and waits for it to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    waitFor();
  }

  public int waitFor() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not exit: " + output);
    }
    reader.join(10_000);
    return process.exitValue();
  }

  public List<String> output() {
    return List.copyOf(output);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
