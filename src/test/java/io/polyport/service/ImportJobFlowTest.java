package io.polyport.service;

import io.polyport.domain.ImportError;
import io.polyport.domain.ImportRecord;
import io.polyport.domain.ImportResult;
import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.User;
import io.polyport.domain.UserPatch;
import io.polyport.persistence.UserRepository;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import's flow control, step by step: one batch fills while the previous one is written, a full batch that
 * has to wait pauses the source, writes never overlap and keep their order. The storage side is a recorder
 * whose writes complete when the test says so (what is stored, and how, is tested over the real database in
 * ImportUsersTest); this test is about when the job reads and when it writes.
 */
class ImportJobFlowTest {
  static final int BATCH = 3;

  /** A source the test pushes records into, honouring pause/resume as a ReadStream must. */
  static final class Source implements ReadStream<ImportRecord> {
    Handler<ImportRecord> handler;
    Handler<Void> end;
    boolean paused;

    @Override
    public ReadStream<ImportRecord> exceptionHandler(Handler<Throwable> h) {
      return this;
    }

    @Override
    public ReadStream<ImportRecord> handler(Handler<ImportRecord> h) {
      handler = h;
      return this;
    }

    @Override
    public ReadStream<ImportRecord> pause() {
      paused = true;
      return this;
    }

    @Override
    public ReadStream<ImportRecord> resume() {
      paused = false;
      return this;
    }

    @Override
    public ReadStream<ImportRecord> fetch(long amount) {
      paused = false;
      return this;
    }

    @Override
    public ReadStream<ImportRecord> endHandler(Handler<Void> h) {
      end = h;
      return this;
    }

    void push(int index) {
      assertThat(paused).as("a record pushed while the job has paused its source").isFalse();
      handler.handle(ImportRecord.of(new NewUser("user " + index, "u" + index + "@example.com", null, List.of())));
    }
  }

  /** Records every batch write; each completes when the test completes its promise. */
  static final class Writes implements UserRepository {
    final List<List<NewUser>> batches = new ArrayList<>();
    final List<Promise<List<ImportError>>> pending = new ArrayList<>();

    @Override
    public Future<List<ImportError>> insertBatch(List<NewUser> users, Instant now) {
      batches.add(users);
      Promise<List<ImportError>> done = Promise.promise();
      pending.add(done);
      return done.future();
    }

    int inFlight() {
      return (int) pending.stream().filter(p -> !p.future().isComplete()).count();
    }

    void completeOldest() {
      pending.stream().filter(p -> !p.future().isComplete()).findFirst().orElseThrow().complete(List.of());
    }

    @Override
    public Future<Void> ensureIndexes() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<User> insert(NewUser user, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<User> findById(String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<User> update(UserPatch patch, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<User> delete(String id, int expectedVersion) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ClosableReadStream<User> list(ListQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> ping() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  @Test
  void theNextBatchFillsWhileOneIsWrittenAndAFullBatchThatMustWaitPausesTheSource() {
    var source = new Source();
    var writes = new Writes();
    Future<ImportResult> result = new ImportJob(writes, source,
        new DefaultUserService.ImportLimits(BATCH, 1000), Instant::now).run();

    for (int i = 0; i < BATCH; i++) {
      source.push(i);
    }
    // batch 1 is being written and the source keeps flowing
    assertThat(writes.batches).hasSize(1);
    assertThat(source.paused).isFalse();

    for (int i = BATCH; i < 2 * BATCH; i++) {
      source.push(i);
    }
    // batch 2 is full while batch 1 is still being written: it waits, not written yet, and the source stops
    assertThat(writes.batches).hasSize(1);
    assertThat(source.paused).isTrue();

    writes.completeOldest();
    // batch 2 goes out, only now, and the source flows again
    assertThat(writes.batches).hasSize(2);
    assertThat(writes.inFlight()).isEqualTo(1);
    assertThat(source.paused).isFalse();

    source.push(2 * BATCH);
    source.end.handle(null);
    // the last, partial batch waits for batch 2: never two writes at once
    assertThat(writes.inFlight()).isEqualTo(1);
    assertThat(result.isComplete()).isFalse();
    writes.completeOldest();
    assertThat(writes.batches).hasSize(3);
    writes.completeOldest();

    assertThat(result.succeeded()).isTrue();
    assertThat(result.result().created()).isEqualTo(2 * BATCH + 1);
    assertThat(writes.batches.stream().flatMap(List::stream).map(NewUser::name).toList())
        .as("every record written once, in order")
        .isEqualTo(java.util.stream.IntStream.rangeClosed(0, 2 * BATCH).mapToObj(i -> "user " + i).toList());
  }
}
