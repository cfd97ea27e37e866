package io.polyport.domain;

/** What a user event says happened. */
public enum EventType {
  SNAPSHOT, CREATED, UPDATED, DELETED
}
