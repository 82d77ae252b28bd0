"""People (e-mail login), organisations (publishers and community partners), memberships and
personal API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Affiliation(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    NONPROFIT = "nonprofit", _("Nonprofit")
    JOURNALIST = "journalist", _("Journalist")
    RESEARCHER = "researcher", _("Researcher")
    BUSINESS = "business", _("Business")
    CIVIC_TECHNOLOGIST = "civic_technologist", _("Civic technologist")
    LIBRARIAN = "librarian", _("Librarian")
    GOVERNMENT = "government", _("Government")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. `is_staff` marks site staff (the back office)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    affiliation = models.CharField(
        _("affiliation"), max_length=30, choices=Affiliation.choices, blank=True,
        help_text=_("Optional: how you relate to open data. Shown only in aggregate statistics."),
    )  # fmt: skip
    show_name_publicly = models.BooleanField(
        _("show my display name publicly"), default=False,
        help_text=_("When off, your requests and comments show as “A resident”."),
    )  # fmt: skip
    language = models.CharField(
        _("language for e-mails and notifications"), max_length=10, blank=True,
        choices=[("en", "English"), ("es", "Español")],
        help_text=_("Set from the language you used to sign up; empty means the site's language."),
    )  # fmt: skip
    is_staff = models.BooleanField(_("site staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def preferred_language(self) -> str:
        """The language to write to this person in: their choice, else the site's."""
        from django.conf import settings

        return self.language or settings.LANGUAGE_CODE

    @property
    def public_name(self) -> str:
        """The name other people may see: the display name only if the person opted in."""
        if self.show_name_publicly and self.display_name:
            return self.display_name
        return str(_("A community member"))


class OrganizationKind(models.TextChoices):
    PUBLISHER = "publisher", _("Publisher")
    PARTNER = "partner", _("Community partner")


class OrganizationType(models.TextChoices):
    AGENCY = "agency", _("Agency")
    DEPARTMENT = "department", _("Department")
    BUREAU = "bureau", _("Bureau")
    NONPROFIT = "nonprofit", _("Nonprofit")
    LIBRARY = "library", _("Library")
    UNIVERSITY = "university", _("University")
    CIVIC_TECH = "civic_tech", _("Civic tech group")
    BUSINESS = "business", _("Business")
    MEDIA = "media", _("Media")


PUBLISHER_TYPES = {OrganizationType.AGENCY, OrganizationType.DEPARTMENT, OrganizationType.BUREAU}


class Organization(models.Model):
    """A publisher (agency, department, bureau; `parent` is DCAT-US `subOrganizationOf`) or a
    community partner."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    org_type = models.CharField(_("type"), max_length=20, choices=OrganizationType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("part of"),
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="publisher", org_type__in=["agency", "department", "bureau"])
                    | models.Q(
                        kind="partner",
                        org_type__in=["nonprofit", "library", "university", "civic_tech", "business", "media"],
                    )
                ),
                name="organization_type_matches_kind",
            ),
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="organization_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organization", kwargs={"slug": self.slug})

    def ancestors(self) -> list[Organization]:
        """Parent chain, nearest first (stops on a cycle)."""
        chain: list[Organization] = []
        seen = {self.pk}
        current = self.parent
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.parent
        return chain

    def as_pod_publisher(self) -> dict:
        """The DCAT-US `publisher` object with its `subOrganizationOf` chain."""
        publisher: dict = {"@type": "org:Organization", "name": self.name}
        if self.parent is not None:
            publisher["subOrganizationOf"] = self.parent.as_pod_publisher()
        return publisher


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Administrator")


ROLE_RANK = {Role.MEMBER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.role})"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal token for scripts. Only its SHA-256 is stored; the person sees the token once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, help_text=_("First characters, to recognise the token."))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
