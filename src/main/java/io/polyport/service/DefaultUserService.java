package io.polyport.service;

import io.polyport.domain.FeedCommand;
import io.polyport.domain.FeedOutput;
import io.polyport.domain.ImportRecord;
import io.polyport.domain.ImportResult;
import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.domain.UserEvent;
import io.polyport.domain.UserPatch;
import io.polyport.domain.WatchQuery;
import io.polyport.feed.Feeds;
import io.polyport.persistence.UserRepository;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/** The rules of {@link UserService} over a {@link UserRepository}. */
public final class DefaultUserService implements UserService {
  private final UserRepository repository;
  private final Clock clock;
  private final ImportLimits importLimits;
  private final Feeds feeds;

  /** How an import is cut into batches and where it stops. */
  public record ImportLimits(int batchSize, long maxRecords) {
  }

  public DefaultUserService(UserRepository repository, Clock clock, ImportLimits importLimits, Feeds feeds) {
    this.repository = repository;
    this.clock = clock;
    this.importLimits = importLimits;
    this.feeds = feeds;
  }

  @Override
  public Future<User> create(NewUser user) {
    return validated(() -> UserRules.newUser(user)).compose(valid -> repository.insert(valid, now()));
  }

  @Override
  public Future<User> get(String id) {
    return validated(() -> UserRules.id(id))
        .compose(repository::findById)
        .compose(found -> found == null ? Future.failedFuture(ServiceException.notFound(id)) : Future.succeededFuture(found));
  }

  @Override
  public Future<User> update(UserPatch patch) {
    return validated(() -> UserRules.patch(patch)).compose(valid -> repository.update(valid, now()));
  }

  @Override
  public Future<Void> delete(String id, int expectedVersion) {
    return validated(() -> {
      UserRules.expectedVersion(expectedVersion);
      return UserRules.id(id);
    }).compose(valid -> repository.delete(valid, expectedVersion)).mapEmpty();
  }

  @Override
  public Future<ClosableReadStream<User>> list(ListQuery query) {
    return validated(() -> UserRules.listQuery(query)).map(repository::list);
  }

  @Override
  public Future<ImportResult> importUsers(ReadStream<ImportRecord> records) {
    return new ImportJob(repository, records, importLimits, this::now).run();
  }

  @Override
  public Future<ClosableReadStream<UserEvent>> watch(WatchQuery query) {
    return validated(() -> UserRules.watchQuery(query)).compose(valid -> feeds.watch(valid,
        () -> repository.list(new ListQuery("", valid.tag(), 0))));
  }

  @Override
  public Future<Void> session(ReadStream<FeedCommand> commands, WriteStream<FeedOutput> output, boolean mayWrite) {
    return new FeedSession(this, commands, output, mayWrite).run();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static <T> Future<T> validated(Supplier<T> rule) {
    try {
      return Future.succeededFuture(rule.get());
    } catch (ServiceException e) {
      return Future.failedFuture(e);
    }
  }
}
