package io.polyport.domain;

import java.util.List;

/**
 * The outcome of an import: {@code created} records are stored, {@code failed} were rejected, the first
 * of them listed in {@code errors}. {@code stoppedBy} is non-null when a limit ended the import early
 * (what was stored before it stays stored).
 */
public record ImportResult(int created, int failed, List<ImportError> errors, ServiceException stoppedBy) {
  public ImportResult {
    errors = List.copyOf(errors);
  }
}
