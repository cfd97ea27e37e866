package io.polyport.domain;

/**
 * One record of an import stream: a user to create; or, when the adapter could not decode it (a
 * malformed line), the reason it is rejected; or, when {@code stops} is set, a reason that ends the
 * whole import (a line over the size limit), keeping what was stored before.
 */
public record ImportRecord(NewUser user, ServiceException rejected, boolean stops) {
  public static ImportRecord of(NewUser user) {
    return new ImportRecord(user, null, false);
  }

  public static ImportRecord rejected(ServiceException why) {
    return new ImportRecord(null, why, false);
  }

  public static ImportRecord stop(ServiceException why) {
    return new ImportRecord(null, why, true);
  }
}
