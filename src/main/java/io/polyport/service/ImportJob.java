package io.polyport.service;

import io.polyport.domain.ErrorCode;
import io.polyport.domain.ImportError;
import io.polyport.domain.ImportRecord;
import io.polyport.domain.ImportResult;
import io.polyport.domain.NewUser;
import io.polyport.domain.ServiceException;
import io.polyport.persistence.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One import: reads records, validates each and writes valid ones in unordered batches, one write in flight at
 * a time and in order. The next batch fills while the previous one is written (parsing and validating overlap
 * with the database's work); a full batch that must wait pauses the source, so memory holds at most two
 * batches whatever the sender does.
 */
final class ImportJob {
  static final int MAX_REPORTED_ERRORS = 100;

  private final UserRepository repository;
  private final ReadStream<ImportRecord> records;
  private final DefaultUserService.ImportLimits limits;
  private final Supplier<Instant> clock;
  private final Promise<ImportResult> result = Promise.promise();

  private final List<NewUser> batch = new ArrayList<>();
  private final List<Integer> batchIndexes = new ArrayList<>();
  /** The first rejections by position (a batch's duplicates are known only after later records were read). */
  private final TreeMap<Integer, ImportError> errors = new TreeMap<>();
  private int index;
  private int created;
  private int failed;
  private boolean ended;
  private Future<Void> inFlight = Future.succeededFuture();

  ImportJob(UserRepository repository, ReadStream<ImportRecord> records,
            DefaultUserService.ImportLimits limits, Supplier<Instant> clock) {
    this.repository = repository;
    this.records = records;
    this.limits = limits;
    this.clock = clock;
  }

  Future<ImportResult> run() {
    records.exceptionHandler(this::abort);
    records.endHandler(v -> finish(null));
    records.handler(this::accept);
    return result.future();
  }

  private void accept(ImportRecord record) {
    if (ended) {
      return;
    }
    if (record.stops() || index >= limits.maxRecords()) {
      ended = true;
      records.pause();
      finish(record.stops() ? record.rejected() : new ServiceException(ErrorCode.RESOURCE_EXHAUSTED,
          "the import is limited to " + limits.maxRecords() + " records"));
      return;
    }
    int position = index++;
    if (record.rejected() != null) {
      reject(position, record.rejected());
      return;
    }
    try {
      batch.add(UserRules.newUser(record.user()));
      batchIndexes.add(position);
    } catch (ServiceException e) {
      reject(position, e);
      return;
    }
    if (batch.size() >= limits.batchSize()) {
      if (inFlight.isComplete()) {
        flush();
        return;
      }
      records.pause();
      inFlight.onComplete(previous -> {
        if (previous.succeeded() && !ended) {
          flush();
          records.resume();
        }
      });
    }
  }

  /** Writes the current batch after the one in flight (at most one full batch waits: the source is paused). */
  private Future<Void> flush() {
    if (batch.isEmpty()) {
      return inFlight;
    }
    List<NewUser> users = new ArrayList<>(batch);
    List<Integer> positions = new ArrayList<>(batchIndexes);
    batch.clear();
    batchIndexes.clear();
    inFlight = inFlight.compose(v -> repository.insertBatch(users, clock.get()))
        .map(rejected -> {
          created += users.size() - rejected.size();
          for (ImportError e : rejected) {
            reject(positions.get(e.index()), new ServiceException(e.code(), e.message()));
          }
          return (Void) null;
        })
        .onFailure(this::abort);
    return inFlight;
  }

  private void finish(ServiceException stoppedBy) {
    ended = true;
    flush().onSuccess(v -> result.tryComplete(new ImportResult(created, failed,
        new ArrayList<>(errors.values()), stoppedBy)));
  }

  private void abort(Throwable cause) {
    ended = true;
    result.tryFail(cause);
  }

  private void reject(int position, ServiceException why) {
    failed++;
    if (errors.size() < MAX_REPORTED_ERRORS || position < errors.lastKey()) {
      errors.put(position, new ImportError(position, why.code(), why.getMessage()));
      if (errors.size() > MAX_REPORTED_ERRORS) {
        errors.pollLastEntry();
      }
    }
  }
}
