package io.polyport.domain;

import java.time.Instant;

/**
 * One change to a user, as the feeds deliver it. For DELETED the user carries at least the id (and the
 * other fields, tags included, when the database supplied the pre-image). {@code resumeToken} is empty
 * for SNAPSHOT events; {@code time} is when the change was committed (or the snapshot read).
 */
public record UserEvent(EventType type, User user, String resumeToken, Instant time) {
}
