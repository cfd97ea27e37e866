package io.polyport.service;

import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.ServiceException;
import io.polyport.domain.UserField;
import io.polyport.domain.UserPatch;
import io.polyport.domain.WatchQuery;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Every validation rule of the contract, in one place. Each method returns the normalised value
 * (trimmed name, lowercased email) or throws {@link ServiceException} INVALID_ARGUMENT with a message
 * that names the field.
 */
public final class UserRules {
  public static final int MAX_NAME = 200;
  public static final int MAX_EMAIL = 254;
  public static final int MAX_AGE = 150;
  public static final int MAX_TAGS = 32;
  public static final int MAX_TAG = 64;

  private static final Pattern ID = Pattern.compile("[0-9a-f]{24}");
  /** Resume tokens are the database's change-stream positions, which MongoDB writes as hex strings. */
  private static final Pattern RESUME_TOKEN = Pattern.compile("[0-9A-Fa-f]{2,4096}");
  private static final Pattern TAG = Pattern.compile("[a-z0-9_-]{1," + MAX_TAG + "}");
  // The WHATWG (HTML) definition of a valid email address, with at least one dot in the domain.
  private static final Pattern EMAIL = Pattern.compile(
      "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
          + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+");

  private UserRules() {
  }

  public static String id(String id) {
    if (id == null || id.isEmpty()) {
      throw ServiceException.invalid("id is required");
    }
    if (!ID.matcher(id).matches()) {
      throw ServiceException.invalid("id must be 24 lowercase hex digits");
    }
    return id;
  }

  public static NewUser newUser(NewUser u) {
    return new NewUser(name(u.name()), email(u.email()), age(u.age()), tags(u.tags()));
  }

  /**
   * The version an update or delete expects (0 = any), the same rule for gRPC's int32 and REST's If-Match (which
   * may name any number): not negative, and at most the largest version a user can have.
   */
  public static int expectedVersion(long version) {
    if (version < 0) {
      throw ServiceException.invalid("expected version must not be negative");
    }
    if (version > Integer.MAX_VALUE) {
      throw ServiceException.invalid("expected version must be at most " + Integer.MAX_VALUE);
    }
    return (int) version;
  }

  public static UserPatch patch(UserPatch p) {
    id(p.id());
    expectedVersion(p.expectedVersion());
    if (p.mask().isEmpty()) {
      throw ServiceException.invalid("the update names no field to change");
    }
    var mask = p.mask();
    return new UserPatch(p.id(), p.expectedVersion(), mask,
        mask.contains(UserField.NAME) ? name(p.name()) : null,
        mask.contains(UserField.EMAIL) ? email(p.email()) : null,
        mask.contains(UserField.AGE) ? age(p.age()) : null,
        mask.contains(UserField.TAGS) ? tags(p.tags()) : List.of());
  }

  public static ListQuery listQuery(ListQuery q) {
    if (!q.afterId().isEmpty() && !ID.matcher(q.afterId()).matches()) {
      throw ServiceException.invalid("after id must be 24 lowercase hex digits");
    }
    if (!q.tag().isEmpty()) {
      tag(q.tag());
    }
    if (q.limit() < 0) {
      throw ServiceException.invalid("limit must not be negative");
    }
    return q;
  }

  public static WatchQuery watchQuery(WatchQuery q) {
    if (!q.tag().isEmpty()) {
      tag(q.tag());
    }
    if (!q.resumeToken().isEmpty() && !RESUME_TOKEN.matcher(q.resumeToken()).matches()) {
      throw ServiceException.invalid("the resume token is malformed");
    }
    if (q.snapshot() && !q.resumeToken().isEmpty()) {
      throw ServiceException.invalid("a snapshot and a resume token cannot be combined: a resume continues a stream");
    }
    return q;
  }

  public static String name(String name) {
    wellFormed("name", name);
    String trimmed = name == null ? "" : name.strip();
    int length = trimmed.codePointCount(0, trimmed.length());
    if (length < 1 || length > MAX_NAME) {
      throw ServiceException.invalid("name must be 1-" + MAX_NAME + " characters after trimming");
    }
    return trimmed;
  }

  /**
   * Text must be well-formed Unicode: a string with an unpaired surrogate (a JSON "\ud800" escape) has no UTF-8 form,
   * so storing it would change it (to U+FFFD), and gRPC cannot carry it at all.
   */
  static void wellFormed(String field, String text) {
    if (text == null) {
      return;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw ServiceException.invalid(field + " is not well-formed Unicode: it has an unpaired surrogate");
      }
    }
  }

  public static String email(String email) {
    if (email == null || email.isEmpty()) {
      throw ServiceException.invalid("email is required");
    }
    if (email.length() > MAX_EMAIL) {
      throw ServiceException.invalid("email must be at most " + MAX_EMAIL + " characters");
    }
    if (!EMAIL.matcher(email).matches()) {
      throw ServiceException.invalid("email is not a valid address");
    }
    return email.toLowerCase(Locale.ROOT);
  }

  public static Integer age(Integer age) {
    if (age != null && (age < 0 || age > MAX_AGE)) {
      throw ServiceException.invalid("age must be 0-" + MAX_AGE);
    }
    return age;
  }

  public static List<String> tags(List<String> tags) {
    if (tags.size() > MAX_TAGS) {
      throw ServiceException.invalid("at most " + MAX_TAGS + " tags are allowed");
    }
    var seen = new HashSet<String>();
    for (String t : tags) {
      tag(t);
      if (!seen.add(t)) {
        throw ServiceException.invalid("tag '" + t + "' is repeated");
      }
    }
    return tags;
  }

  public static String tag(String tag) {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw ServiceException.invalid("tags must be 1-" + MAX_TAG + " characters of [a-z0-9_-]");
    }
    return tag;
  }
}
