package io.polyport.domain;

/** Why the record at {@code index} (0-based position in the stream) was not stored. */
public record ImportError(int index, ErrorCode code, String message) {
}
