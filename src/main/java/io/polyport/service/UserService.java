package io.polyport.service;

import io.polyport.domain.FeedCommand;
import io.polyport.domain.FeedOutput;
import io.polyport.domain.ImportRecord;
import io.polyport.domain.ImportResult;
import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.User;
import io.polyport.domain.UserEvent;
import io.polyport.domain.UserPatch;
import io.polyport.domain.WatchQuery;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * The user operations, protocol-neutral: both the gRPC and the REST adapter call exactly these methods,
 * so every rule holds identically on both. Every failure is a {@link io.polyport.domain.ServiceException}
 * carrying an {@link io.polyport.domain.ErrorCode} and a message meant for the caller.
 */
public interface UserService {

  /** Validates and stores a new user (version 1). ALREADY_EXISTS when the email is taken. */
  Future<User> create(NewUser user);

  /** The user with this id; NOT_FOUND when none, INVALID_ARGUMENT when the id is malformed. */
  Future<User> get(String id);

  /** Applies a patch (see {@link UserPatch}); NOT_FOUND, FAILED_PRECONDITION on a stale version. */
  Future<User> update(UserPatch patch);

  /** Deletes a user; {@code expectedVersion} 0 means any version. */
  Future<Void> delete(String id, int expectedVersion);

  /**
   * The matching users in ascending id order, as a stream that reads the database only while it is
   * not paused. Fails (before any item) with INVALID_ARGUMENT for a bad query; the consumer closes the
   * stream when its client goes away.
   */
  Future<ClosableReadStream<User>> list(ListQuery query);

  /**
   * Creates users from a stream of records, in unordered batches, pausing {@code records} while a batch
   * is written. Bad records are counted and reported, they do not stop the import; a limit that is
   * crossed ends it early with {@link ImportResult#stoppedBy()} set. The future fails only when the
   * stream itself fails (client gone) or the database does.
   */
  Future<ImportResult> importUsers(ReadStream<ImportRecord> records);

  /**
   * Live changes to the users matching {@code query}: with a snapshot, every current matching user first
   * (SNAPSHOT events), then CREATED/UPDATED/DELETED events as they are committed by any instance, each
   * version of a user delivered once. With a resume token, every event after it, then live. The stream
   * never ends by itself: it fails with RESOURCE_EXHAUSTED when its consumer falls too far behind,
   * UNAVAILABLE when the database's change stream is lost or the server stops; the consumer closes it
   * when its client goes away. Fails at once with INVALID_ARGUMENT for a bad query and OUT_OF_RANGE for a
   * token that can no longer be resumed.
   */
  Future<ClosableReadStream<UserEvent>> watch(WatchQuery query);

  /**
   * A feed session: runs the commands one at a time in order (writes as their own operations, watches
   * replacing the session's subscription) and writes their results and the subscription's events to
   * {@code output} in the order they happen. Reading stops while {@code output} is full. Completes when
   * the commands end (after the last result) or fails with the subscription's error. Without
   * {@code mayWrite}, write commands are answered PERMISSION_DENIED (the session itself stays open).
   */
  Future<Void> session(ReadStream<FeedCommand> commands, WriteStream<FeedOutput> output, boolean mayWrite);
}
