package io.polyport.persistence;

import io.polyport.domain.ImportError;
import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.User;
import io.polyport.domain.UserPatch;
import io.vertx.core.Future;
import io.polyport.support.ClosableReadStream;

import java.time.Instant;
import java.util.List;

/**
 * Storage of users. Inputs are already validated and normalised by the service; storage failures come
 * back as {@link io.polyport.domain.ServiceException}s (duplicate email: ALREADY_EXISTS, database
 * unreachable: UNAVAILABLE), never as driver exceptions.
 */
public interface UserRepository {

  /** Creates the indexes the rules rely on (unique email); idempotent. */
  Future<Void> ensureIndexes();

  /** Stores a new user with version 1 and both timestamps {@code now}. */
  Future<User> insert(NewUser user, Instant now);

  /** The user, or null when there is none. */
  Future<User> findById(String id);

  /**
   * Applies the patch if the user exists and (when {@code expectedVersion} is non-zero) has that version,
   * in one conditional write; increments the version. NOT_FOUND / FAILED_PRECONDITION otherwise.
   */
  Future<User> update(UserPatch patch, Instant now);

  /** Deletes the user under the same conditions as {@link #update}; returns the deleted user. */
  Future<User> delete(String id, int expectedVersion);

  /**
   * The matching users in ascending id order, read from a batched cursor that fetches only while the
   * stream is not paused. {@link ClosableReadStream#close()} ends it and closes the cursor.
   */
  ClosableReadStream<User> list(ListQuery query);

  /**
   * Inserts the batch unordered; the result lists the records that were not stored, {@code index} being
   * the position in {@code users}. Everything not listed is stored.
   */
  Future<List<ImportError>> insertBatch(List<NewUser> users, Instant now);

  /** Whether the database answers now (for readiness). */
  Future<Void> ping();

  /** Closes the connection pool. */
  Future<Void> close();
}
