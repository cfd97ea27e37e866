package io.polyport.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Polyport as a separate operating-system process (the same main class the jar runs), for what only a
 * real process shows: SIGTERM handling and surviving kill -9. Its output goes to a file; its port is read
 * from its start-up log line.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Polyport listening on https?://[^:]+:(\\d+)");
  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code io.polyport.Main} with these environment variables and waits (bounded) until it listens. */
  public static ServerProcess start(Map<String, String> env) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Files.createTempFile("polyport-process", ".log");
    ProcessBuilder builder = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "io.polyport.Main", "--config", "does-not-exist.json")
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(env);
    builder.environment().putIfAbsent("PORT", "0");
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try {
      while (System.nanoTime() < deadline && process.isAlive()) {
        Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          return new ServerProcess(process, Integer.parseInt(m.group(1)), log);
        }
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    throw new IllegalStateException("the server did not start: " + Files.readString(log, StandardCharsets.UTF_8));
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
      throw new AssertionError("the server did not exit: " + output());
    }
    return process.exitValue();
  }

  /** Everything the process printed so far. */
  public List<String> output() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of(e.toString());
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
      Files.deleteIfExists(log);
    } catch (Exception e) {
      // best effort
    }
  }
}
