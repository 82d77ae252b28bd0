"""Names vulture cannot see used: Django, django-ninja, templates and pytest find them by name.

Read by `vulture` (`make lint`, configured in pyproject.toml). List a name here only when something
outside Python code reads it; delete dead code instead of listing it.
"""

# ruff: noqa: B018, F821

# Named by a dotted string in settings or site/urls.py: middleware, the allauth adapter and sign-up
# form, error handlers, the CSRF failure view, the app settings collector.
_.AccountAdapter
_.ApiTokenMiddleware
_.app_settings
_.bad_request
_.CompressPagesMiddleware
_.csrf_failure
_.forbidden
_.HeadAsGetMiddleware
_.not_found
_.NullCharacterMiddleware
_.ReadOnlyApiCorsMiddleware
_.server_error
_.SignupForm
_.UploadLimitMiddleware

# Read by a framework under this name: Django's check signature, a widget flag, http.server handler
# methods of a test server, settings overridden in tests, a pytest fixture requested for its effect.
_.allow_multiple_selected
_.allow_request  # ninja's throttle interface
_._dont_enforce_csrf_checks  # read by Django's CSRF middleware
_.API_RATE_ANONYMOUS
_.API_RATE_SIGNED_IN
_.daemon_threads
_.protocol_version
_.app_configs
_.do_GET
_.log_message
_.TASKS
_.transactional_db
_.django_db_setup
_.demo_people
_.agree

# Members of TextChoices and StrEnum classes: stored values and form choices, not names code reads.
_.ACADEMIC
_.ACTIVITIES
_.ANALYZE_REQUESTS
_.BUSINESS
_.CANNOT_RELEASE_LEGAL
_.CANNOT_RELEASE_PRIVACY
_.CANNOT_RELEASE_SECURITY
_.CHAT
_.CHECKLIST
_.CIVIC_HACKERS
_.CIVIC_TECH
_.CIVIC_TECHNOLOGIST
_.CKAN
_.CODE
_.CONSTRAINTS
_.CONSULT_PUBLIC
_.CONTRACT
_.CROWDSOURCED_QUALITY
_.DATA_CHALLENGE
_.DATA_SHARING
_.DATA_STORIES
_.DATA_USERS_EXPERTS
_.DATASET
_.DATE_OF_BIRTH
_.DCAT_US3
_.ELSEWHERE
_.EMAIL
_.EVENT
_.EXECUTIVE
_.EXPERT_FOCUS_GROUPS
_.EXTERNAL
_.FEEDBACK_DISPOSED
_.FOCUS_GROUP
_.GOAL
_.GOVERNMENT
_.GRANT
_.GUIDE
_.HELP_GUIDES
_.HIGH
_.IN_PERSON
_.INTERMEDIARIES
_.INTERNAL
_.INTERVIEW
_.INTERVIEWS
_.JOURNALIST
_.LEGAL
_.LIBRARIAN
_.LIBRARY
_.LOW_TECH_OUTREACH
_.MAP_FOCUS_AREAS
_.MEDIA
_.MEDIUM
_.MEETING
_.MEETING_NOTES
_.NEWSLETTER
_.NON_PUBLIC
_.NONPROFIT
_.NOT_HELD
_.OFFENSIVE
_.ONLINE
_.OPERATIONAL
_.ORGANIZATION
_.PARTNER_WORKSHOPS
_.PERSON
_.PERSON_NAME
_.PERSONAL_DATA
_.PHONE
_.POSTER
_.PRIVACY
_.PUBLIC_MEETINGS
_.PUBLIC_PLANNING_WORKSHOPS
_.PUBLISH
_.RESEARCHER
_.RESIDENT
_.ROLES
_.SCOPE_A_THON
_.SECURITY
_.SHARED_PRIORITIES
_.SOCIAL
_.SPAM
_.SSN
_.STEWARDSHIP
_.STORY
_.STREET_ADDRESS
_.SURVEY
_.TECHNICAL
_.TIMELINE
_.UNIVERSITY
_.USER_FEEDBACK
_.VALUABLE_PARTNERS
_.WITHDRAW
_.WORKSHOP

# Model fields and properties: columns services write and the ORM, admin, templates, API or exports read.
_.approved_by
_.uploaded_by
_.bbox_east
_.bbox_north
_.bbox_south
_.bbox_west
_.by_kind
_.carried_from
_.checklist_signed_at
_.checklist_signed_by
_.chosen_at
_.closed_on
_.contact_point_json
_.decided_at
_.decided_by
_.disposed_at
_.email_skipped
_.emailed_at
_.file_sha256
_.finished_at
_.found_at
_.imported_at
_.is_staff_response
_.link_checked_at
_.link_status
_.link_status_code
_.loaded_at
_.occurred_on
_.percent
_.pod_type
_.problem_count
_.publisher_json
_.publisher_name
_.read_at
_.recorded_at
_.resolved_at
_.resolved_by
_.started_at
_.target_label
_.triggered_by
_.updated_by
_.withdrawn_reason

# Declared fields read by name elsewhere: Django form fields, django-ninja schema fields (serialised),
# and attributes templates read (dashboard figures, programme summary, workspace forms).
_.adoption_constraints
_.artefact_form
_.average_days_in_step
_.bureau_code
_.collaborators_by_sector
_.comment_period
_.conforms_to
_.constraint_legal
_.constraint_operational
_.constraint_privacy
_.constraint_security
_.constraint_technical
_.data_need_form
_.dataset_identifier
_.days_in_current_step
_.described_by
_.described_by_type
_.disposition_form
_.entered_at
_.file
_.followers
_.has_voted
_.interventions_by_tactic
_.invalid_datasets
_.issued
_.missing_by_field
_.other_datasets
_.outcomes_measured
_.outcomes_met
_.outcomes_total
_.people_reached
_.persona_form
_.primary_it_investment_uii
_.problem_inventory
_.program_code
_.projects_by_step
_.reach_form
_.stale_datasets
_.story_form
_.system_of_records
_.uploads
_.user_stories

# Read by allauth (an adapter hook and the e-mail templates' `current_site.domain`), a django-ninja
# response field, and dataset-form fields read through cleaned_data by name (issue 10, items 4 and 14).
_.format_email_subject
_.domain
_.can_publish
_.license_other
_.temporal_start
_.temporal_end

# Events: choices and fields read by the ORM, forms and templates.
_.DATAPALOOZA
_.HACKATHON
_.DATA_DAY
_.DATA_WALK
_.TRAINING
_.USER_GROUP
_.OFFICE_HOURS
_.partners
_.series
_.event_type
_.capacity
_.registration_open
_.cancelled_at
_.WAITLISTED
_.OFFERED
_.Registration
_.walk_in
_.checked_in_at
_.check_in_code

# Catalog completeness crawl: schema and model fields read by ninja, templates and the ORM.
_.draft_dataset
_.bytes_read
_.normalised_url
# Migration steps: the migrations (which vulture does not read) run them.
_.create_index
_.drop_index
_.recreate_sqlite_triggers
_.share_percent  # read by datastore/pii.html
# Events planning, goals and follow-up (d): fields and schema members read by the ORM, forms, templates and ninja.
_.location_notes
_.partner_notes
_.leadership_support
_.legal_questions
_.logistics
_.support_email
_.support_monitors
_.online_participants
_.media_mentions
_.social_media
_.unplanned_blog_posts
_.QUALITY_REPORTS
_.last_reminded_at
_.added_by
_.owner_email
_.waitlisted
_.checked_in
_.walk_ins
_.first_time
_.what_was_made
_.next_steps

# Events registration, attendance and feedback (helper e): fields and choices read by the ORM, forms,
# templates and aggregates; the projects report template reads disposition_reason.
_.checked_in
_.walk_ins
_.demographics_consent
_.code_of_conduct
_.code_of_conduct_accepted_at
_.STUDENT
_.TECHNOLOGIST
_.ADVOCATE
_.PRIVATE
_.consented_at
_.proposed_by
_.disposition_reason
# community: quality reports and discussions (helper f) — read by templates, the API schema or settings.
_.table_withdrawn
_.flag_count
_.BROKEN_LINK
_.OUT_OF_DATE
_.WRONG_VALUES
_.explanation
_.COMMUNITY_NEW_ACCOUNT_DAILY_REPORTS
# community (stories, reuses, news): API schema fields, model fields and choices read by templates and the admin
_.body_markdown
_.drafted_automatically
_.VISUALIZATION
_.ARTICLE
_.RESEARCH
_.API_CLIENT
_.reviewed_by
_.submitted_at
_.job_url  # datastore/tools_api.py LoadedOut, serialised by ninja
_.create_cursor  # civicdata.core.backends.sqlite3: Django calls it
# community (data challenges, API calls): API schema fields, licence choices, the middleware named in settings
_.entry_count
_.normalised_score
_.judge_totals
_.ApiCallCounterMiddleware
_.CC0
_.MIT
_.APACHE
_.GPL
_.table_url  # live tables API answer field (read by clients)
_.refreshing  # LiveSource: a copy is being made (read in the live tables page)
_.refresh_started_at  # LiveSource: claim time of a copy (used in update/filter kwargs)
