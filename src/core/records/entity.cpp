// entity.cpp - the field specs of every CRM entity (see entity.h).
//
// Field sets follow ../shared/DOMAIN.md and what leading CRMs carry. Codes in
// choice lists are stable identifiers stored in the database; the UI shows
// them through labels.
#include "records/entity.h"

#include <stdexcept>
#include <string>

namespace crm {

using T = FieldType;

const std::vector<const char*> kLeadSources = {
    "web_form", "referral", "search", "ppc", "banner", "facebook", "linkedin", "twitter", "content",
    "review", "direct_mail", "telephone", "email", "print", "pr", "trade_show", "conference",
    "webinar", "newsletter", "live_chat", "partner", "other"};
const std::vector<const char*> kActivityTypes = {"call", "email", "meeting", "note", "chat",
                                                 "visit", "web_form", "sms", "letter"};
const std::vector<const char*> kOpportunityStages = {"qualify", "develop", "propose", "won", "lost"};

static const std::vector<const char*> kTiers = {"Gold", "Silver", "Bronze"};
static const std::vector<const char*> kChannels = {"phone", "email", "in_person", "chat", "sms", "web", "mail", "social"};

const EntitySpec kUsers{
    "users", "user", "Users",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"email", "E-mail", T::Text, F_Email},
        {"phone", "Phone", T::Text, F_Phone},
        {"role", "Role", T::Choice, F_Required | F_Filterable, nullptr,
         {"sales_rep", "sales_manager", "service_rep", "service_manager", "marketing", "admin"}},
        {"team", "Team", T::Text, F_Filterable},
        {"territory", "Territory", T::Text, F_Filterable},
        {"skills", "Skills", T::Text, 0},
        {"line", "Service line", T::Integer, F_NonNegative, nullptr, {}, "1"},
        {"active", "Active", T::Bool, F_Filterable, nullptr, {}, "1"},
    },
    {}, "name"};

const EntitySpec kAccounts{
    "accounts", "account", "Accounts",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"type", "Type", T::Choice, F_Filterable, nullptr, {"prospect", "customer", "partner", "competitor", "other"}, "'prospect'"},
        {"industry", "Industry", T::Text, F_Filterable | F_Sortable},
        {"employees", "Employees", T::Integer, F_NonNegative},
        {"annual_revenue", "Annual revenue", T::Money, F_NonNegative},
        {"currency", "Currency", T::Text, F_Currency, nullptr, {}, "'EUR'"},
        {"tier", "Service tier", T::Choice, F_Filterable | F_Sortable, nullptr, kTiers, "'Bronze'"},
        {"sic_code", "SIC code", T::Text, 0},
        {"website", "Website", T::Text, F_Url},
        {"phone", "Phone", T::Text, F_Phone},
        {"email", "E-mail", T::Text, F_Email},
        {"street", "Street", T::Text, 0},
        {"city", "City", T::Text, F_Sortable},
        {"postcode", "Postcode", T::Text, 0},
        {"region", "Region", T::Text, 0},
        {"country", "Country", T::Text, F_Country | F_Filterable | F_Sortable},
        {"parent_id", "Parent account", T::Ref, F_Filterable, "accounts"},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
        {"description", "Description", T::Text, F_Multiline},
        {"merged_into_id", "Merged into", T::Ref, F_System, "accounts"},
        {"verified_at", "Last verified", T::DateTime, F_System},
    },
    {}, "name"};

const EntitySpec kContacts{
    "contacts", "contact", "Contacts",
    {
        {"account_id", "Account", T::Ref, F_Filterable, "accounts"},
        {"salutation", "Salutation", T::Text, 0},
        {"first_name", "First name", T::Text, F_Sortable},
        {"last_name", "Last name", T::Text, F_Required | F_Sortable},
        {"job_title", "Job title", T::Text, 0},
        {"department", "Department", T::Text, 0},
        {"buying_role", "Buying role", T::Choice, F_Filterable, nullptr,
         {"decision_maker", "buyer", "influencer", "initiator", "gatekeeper", "user"}},
        {"email", "E-mail", T::Text, F_Email | F_Sortable},
        {"email2", "Other e-mail", T::Text, F_Email},
        {"phone", "Phone", T::Text, F_Phone},
        {"mobile", "Mobile", T::Text, F_Phone},
        {"street", "Street", T::Text, 0},
        {"city", "City", T::Text, F_Sortable},
        {"postcode", "Postcode", T::Text, 0},
        {"region", "Region", T::Text, 0},
        {"country", "Country", T::Text, F_Country | F_Filterable | F_Sortable},
        {"birth_date", "Birth date", T::Date, 0},
        {"gender", "Gender", T::Choice, 0, nullptr, {"female", "male", "other"}},
        {"language", "Language", T::Text, 0},
        {"timezone", "Time zone", T::Text, 0},
        {"preferred_channel", "Preferred channel", T::Choice, 0, nullptr,
         {"any", "email", "phone", "mail", "face_to_face", "sms", "chat"}, "'any'"},
        {"preferred_time", "Preferred contact time", T::Text, 0},
        {"email_format", "E-mail format", T::Choice, 0, nullptr, {"html", "text"}, "'html'"},
        {"do_not_call", "Do not call", T::Bool, F_Filterable},
        {"opt_out_offers", "Opt out: offers", T::Bool, 0},
        {"opt_out_newsletter", "Opt out: newsletter", T::Bool, 0},
        {"opt_out_product_news", "Opt out: new products", T::Bool, 0},
        {"opt_out_events", "Opt out: events", T::Bool, 0},
        {"opt_out_surveys", "Opt out: surveys", T::Bool, 0},
        {"opt_out_partners", "Opt out: partner offers", T::Bool, 0},
        {"lead_source", "Lead source", T::Choice, F_Filterable, nullptr, kLeadSources},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
        {"notes", "Notes", T::Text, F_Multiline},
        {"merged_into_id", "Merged into", T::Ref, F_System, "contacts"},
        {"verified_at", "Last verified", T::DateTime, F_System},
    },
    {}, "last_name"};

const EntitySpec kCampaigns{
    "campaigns", "campaign", "Campaigns",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"type", "Type", T::Choice, F_Filterable, nullptr,
         {"email", "event", "webinar", "trade_show", "advertising", "direct_mail", "telemarketing", "social", "content", "referral"}},
        {"status", "Status", T::Choice, F_Filterable, nullptr, {"planned", "active", "completed", "aborted"}, "'planned'"},
        {"start_date", "Start", T::Date, F_Sortable},
        {"end_date", "End", T::Date, 0},
        {"budget", "Budget", T::Money, F_NonNegative},
        {"actual_cost", "Actual cost", T::Money, F_NonNegative},
        {"expected_revenue", "Expected revenue", T::Money, F_NonNegative},
        {"currency", "Currency", T::Text, F_Currency, nullptr, {}, "'EUR'"},
        {"target_segment", "Target segment (rules)", T::Text, F_Multiline},
        {"description", "Description", T::Text, F_Multiline},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
        {"segment_id", "Target segment", T::Ref, 0, "segments"},
        {"template_id", "E-mail template", T::Ref, 0, "email_templates"},
        {"sent_count", "Sent", T::Integer, F_NonNegative | F_System},
        {"suppressed_count", "Skipped (opt-outs, do not call, duplicates)", T::Integer, F_NonNegative | F_System},
    },
    {{"start_date", "end_date"}}, "start_date"};

const EntitySpec kLeads{
    "leads", "lead", "Leads",
    {
        {"first_name", "First name", T::Text, 0},
        {"last_name", "Last name", T::Text, F_Required | F_Sortable},
        {"company", "Company", T::Text, F_Sortable},
        {"job_title", "Job title", T::Text, 0},
        {"email", "E-mail", T::Text, F_Email},
        {"phone", "Phone", T::Text, F_Phone},
        {"industry", "Industry", T::Text, 0},
        {"line_of_business", "Line of business", T::Text, F_Filterable},
        {"city", "City", T::Text, 0},
        {"country", "Country", T::Text, F_Country | F_Filterable},
        {"source", "Source", T::Choice, F_Filterable, nullptr, kLeadSources},
        {"campaign_id", "Campaign", T::Ref, F_Filterable, "campaigns"},
        {"status", "Status", T::Choice, F_Filterable, nullptr, {"new", "assigned", "qualified", "converted", "disqualified"}, "'new'"},
        {"score", "Score", T::Integer, F_Sortable},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
        {"disqualify_reason", "Disqualification reason", T::Text, 0},
        {"converted_at", "Converted at", T::DateTime, F_System},
        {"converted_account_id", "Converted to account", T::Ref, F_System, "accounts"},
        {"converted_contact_id", "Converted to contact", T::Ref, F_System, "contacts"},
        {"converted_opportunity_id", "Converted to opportunity", T::Ref, F_System, "opportunities"},
        {"notes", "Notes", T::Text, F_Multiline},
        {"merged_into_id", "Merged into", T::Ref, F_System, "leads"},
    },
    {}, "score"};

const EntitySpec kOpportunities{
    "opportunities", "opportunity", "Opportunities",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"account_id", "Account", T::Ref, F_Required | F_Filterable, "accounts"},
        {"contact_id", "Contact", T::Ref, 0, "contacts"},
        {"lead_id", "From lead", T::Ref, F_System, "leads"},
        {"campaign_id", "Campaign", T::Ref, F_Filterable, "campaigns"},
        {"amount", "Amount", T::Money, F_NonNegative | F_Sortable},
        {"currency", "Currency", T::Text, F_Currency, nullptr, {}, "'EUR'"},
        {"stage", "Stage", T::Choice, F_Required | F_Filterable, nullptr, kOpportunityStages, "'qualify'"},
        {"probability", "Probability %", T::Integer, F_Percent, nullptr, {}, "10"},
        {"expected_close", "Expected close", T::Date, F_Sortable},
        {"closed_at", "Closed at", T::DateTime, F_System},
        {"lost_reason", "Lost reason", T::Text, 0},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
        {"description", "Description", T::Text, F_Multiline},
    },
    {}, "expected_close"};

const EntitySpec kQueues{
    "queues", "queue", "Queues",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"line", "Service line", T::Integer, F_NonNegative, nullptr, {}, "1"},
        {"case_types", "Case types", T::Text, 0},
        {"skills", "Skills", T::Text, 0},
        {"description", "Description", T::Text, F_Multiline},
    },
    {}, "name"};

const EntitySpec kProductCategories{
    "product_categories", "product category", "Product categories",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"parent_id", "Parent category", T::Ref, F_Filterable, "product_categories"},
    },
    {}, "name"};

const EntitySpec kProducts{
    "products", "product", "Products",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"code", "Product code", T::Text, F_Sortable},
        {"category_id", "Category", T::Ref, F_Filterable, "product_categories"},
        {"price", "Price", T::Money, F_NonNegative | F_Sortable},
        {"cost", "Unit cost", T::Money, F_NonNegative},
        {"currency", "Currency", T::Text, F_Currency, nullptr, {}, "'EUR'"},
        {"active", "Active", T::Bool, F_Filterable, nullptr, {}, "1"},
        {"description", "Description", T::Text, F_Multiline},
    },
    {}, "name"};

const EntitySpec kCases{
    "cases", "case", "Cases",
    {
        {"number", "Case number", T::Text, F_System | F_Sortable},
        {"subject", "Subject", T::Text, F_Required},
        {"description", "Description", T::Text, F_Multiline},
        {"type", "Type", T::Choice, F_Filterable, nullptr, {"problem", "question", "complaint", "maintenance", "request"}, "'problem'"},
        {"priority", "Priority", T::Choice, F_Filterable, nullptr, {"low", "normal", "high", "urgent"}, "'normal'"},
        {"status", "Status", T::Choice, F_Filterable, nullptr,
         {"new", "in_progress", "on_hold", "escalated", "resolved", "reopened", "closed"}, "'new'"},
        {"origin", "Origin", T::Choice, F_Filterable, nullptr, kChannels, "'phone'"},
        {"line", "Service line", T::Integer, F_NonNegative, nullptr, {}, "1"},
        {"queue_id", "Queue", T::Ref, F_Filterable, "queues"},
        {"account_id", "Account", T::Ref, F_Filterable, "accounts"},
        {"contact_id", "Contact", T::Ref, F_Filterable, "contacts"},
        {"product_id", "Product", T::Ref, 0, "products"},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
        {"first_owner_id", "First owner", T::Ref, F_System, "users"},
        {"tier", "Service tier", T::Choice, F_Filterable, nullptr, kTiers},
        {"response_due_at", "Response due", T::DateTime, F_System | F_Sortable},
        {"resolution_due_at", "Resolution due", T::DateTime, F_System | F_Sortable},
        {"first_response_at", "First response", T::DateTime, F_System},
        {"resolved_at", "Resolved at", T::DateTime, F_System},
        {"resolution", "Resolution", T::Text, F_Multiline},
        {"satisfaction", "Satisfaction (1-5)", T::Integer, F_NonNegative},
        {"kb_article_id", "Solved by article", T::Ref, 0, "kb_articles"},
    },
    {{"first_response_at", "resolved_at"}}, "number"};

const EntitySpec kActivities{
    "activities", "activity", "Activities",
    {
        {"type", "Type", T::Choice, F_Required | F_Filterable, nullptr, kActivityTypes},
        {"direction", "Direction", T::Choice, 0, nullptr, {"inbound", "outbound", "internal"}},
        {"channel", "Channel", T::Choice, F_Filterable, nullptr, kChannels},
        {"subject", "Subject", T::Text, 0},
        {"body", "Details", T::Text, F_Multiline},
        {"outcome", "Outcome", T::Text, 0},
        {"duration_s", "Duration (s)", T::Integer, F_NonNegative},
        {"occurred_at", "When", T::DateTime, F_Required | F_Sortable},
        {"contact_id", "Contact", T::Ref, F_Filterable, "contacts"},
        {"account_id", "Account", T::Ref, F_Filterable, "accounts"},
        {"lead_id", "Lead", T::Ref, F_Filterable, "leads"},
        {"opportunity_id", "Opportunity", T::Ref, F_Filterable, "opportunities"},
        {"case_id", "Case", T::Ref, F_Filterable, "cases"},
        {"campaign_id", "Campaign", T::Ref, F_Filterable, "campaigns"},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
    },
    {}, "occurred_at"};

const EntitySpec kTasks{
    "tasks", "task", "Tasks",
    {
        {"title", "Title", T::Text, F_Required},
        {"note", "Note", T::Text, F_Multiline},
        {"due_at", "Due", T::DateTime, F_Sortable},
        {"remind_at", "Reminder", T::DateTime, 0},
        {"priority", "Priority", T::Choice, 0, nullptr, {"low", "normal", "high"}, "'normal'"},
        {"done", "Done", T::Bool, F_Filterable},
        {"completed_at", "Completed at", T::DateTime, F_System},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
        {"contact_id", "Contact", T::Ref, F_Filterable, "contacts"},
        {"account_id", "Account", T::Ref, F_Filterable, "accounts"},
        {"lead_id", "Lead", T::Ref, F_Filterable, "leads"},
        {"opportunity_id", "Opportunity", T::Ref, F_Filterable, "opportunities"},
        {"case_id", "Case", T::Ref, F_Filterable, "cases"},
    },
    {{"remind_at", "due_at"}}, "due_at"};

const EntitySpec kOrders{
    "orders", "order", "Orders",
    {
        {"number", "Order number", T::Text, F_Sortable},
        {"account_id", "Account", T::Ref, F_Required | F_Filterable, "accounts"},
        {"contact_id", "Contact", T::Ref, F_Filterable, "contacts"},
        {"opportunity_id", "Opportunity", T::Ref, 0, "opportunities"},
        {"status", "Status", T::Choice, F_Filterable, nullptr,
         {"placed", "processing", "shipped", "delivered", "cancelled", "returned"}, "'placed'"},
        {"ordered_at", "Ordered at", T::DateTime, F_Required | F_Sortable},
        {"delivered_at", "Delivered at", T::DateTime, 0},
        {"total", "Total", T::Money, F_NonNegative | F_System | F_Sortable | F_Derived},
        {"currency", "Currency", T::Text, F_Currency, nullptr, {}, "'EUR'"},
        {"owner_id", "Owner", T::Ref, F_Filterable, "users"},
    },
    {{"ordered_at", "delivered_at"}}, "ordered_at"};

const EntitySpec kOrderLines{
    "order_lines", "order line", "Order lines",
    {
        {"order_id", "Order", T::Ref, F_Required | F_Filterable, "orders"},
        {"product_id", "Product", T::Ref, F_Required | F_Filterable, "products"},
        {"quantity", "Quantity", T::Integer, F_Positive, nullptr, {}, "1"},
        {"unit_price", "Unit price", T::Money, F_NonNegative},
        {"discount_pct", "Discount %", T::Integer, F_Percent},
        {"line_total", "Line total", T::Money, F_NonNegative | F_System | F_Derived},
    },
    {}, "created_at"};

const EntitySpec kTags{
    "tags", "tag", "Tags",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"category", "Category", T::Text, F_Filterable},
        {"description", "Description", T::Text, 0},
    },
    {}, "name"};

const EntitySpec kRecordTags{
    "record_tags", "tag link", "Tag links",
    {
        {"tag_id", "Tag", T::Ref, F_Required | F_Filterable, "tags"},
        {"entity", "Entity", T::Text, F_Required | F_Filterable},
        {"record_id", "Record", T::Text, F_Required | F_Filterable},
    },
    {}, "created_at"};

const EntitySpec kAssignmentRules{
    "assignment_rules", "assignment rule", "Assignment rules",
    {
        {"position", "Order", T::Integer, F_Sortable},
        {"kind", "Rule", T::Choice, F_Required | F_Filterable, nullptr, {"territory", "line_of_business", "round_robin"}},
        {"match", "Matches", T::Text, 0},
        {"user_id", "Assign to", T::Ref, F_Filterable, "users"},
        {"team", "Team (round robin)", T::Text, 0},
        {"active", "Active", T::Bool, F_Filterable, nullptr, {}, "1"},
    },
    {}, "position"};

const EntitySpec kScoringRules{
    "scoring_rules", "scoring rule", "Scoring rules",
    {
        {"kind", "Kind", T::Choice, F_Required | F_Filterable, nullptr, {"action", "attribute"}},
        {"action", "Action (activity type)", T::Text, 0},
        {"field", "Lead field", T::Text, 0},
        {"value", "Value", T::Text, 0},
        {"points", "Points", T::Integer, 0},
        {"label", "Label", T::Text, 0},
    },
    {}, "created_at"};

const EntitySpec kSlaTargets{
    "sla_targets", "SLA target", "SLA targets",
    {
        {"tier", "Service tier", T::Choice, F_Required | F_Filterable | F_Sortable, nullptr, kTiers},
        {"priority", "Priority", T::Choice, F_Required | F_Filterable, nullptr, {"low", "normal", "high", "urgent"}},
        {"response_minutes", "Response (minutes)", T::Integer, F_Required | F_Positive},
        {"resolution_minutes", "Resolution (minutes)", T::Integer, F_Required | F_Positive},
    },
    {}, "tier"};

const EntitySpec kKbArticles{
    "kb_articles", "article", "Knowledge base",
    {
        {"title", "Title", T::Text, F_Required | F_Sortable},
        {"problem", "Problem", T::Text, F_Multiline},
        {"solution", "Solution", T::Text, F_Multiline},
        {"case_type", "Case type", T::Text, 0},
        {"product_id", "Product", T::Ref, F_Filterable, "products"},
    },
    {}, "title"};

const EntitySpec kEmailTemplates{
    "email_templates", "e-mail template", "E-mail templates",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"subject", "Subject", T::Text, F_Required},
        {"body", "Body", T::Text, F_Multiline},
        {"category", "Category", T::Text, 0},
    },
    {}, "name"};

const EntitySpec kSegments{
    "segments", "segment", "Segments",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"rules", "Rules", T::Text, F_Multiline},
        {"description", "Description", T::Text, F_Multiline},
    },
    {}, "name"};

// A field users add (records/custom_fields.h). entity, column_name and type
// are fixed once created: the column holds values of that type.
const EntitySpec kCustomFields{
    "custom_fields", "custom field", "Custom fields",
    {
        {"entity", "Record type", T::Choice, F_Required | F_Filterable, nullptr, {"accounts", "contacts", "leads", "opportunities", "cases"}},
        {"label", "Label", T::Text, F_Required | F_Sortable},
        {"column_name", "Column", T::Text, F_Required | F_System},
        {"type", "Type", T::Choice, F_Required, nullptr, {"text", "number", "money", "date", "choice", "checkbox"}, "'text'"},
        {"choices", "Choices (one per line)", T::Text, F_Multiline},
        {"required", "Required", T::Bool, 0},
        {"in_form", "Show in the forms", T::Bool, 0, nullptr, {}, "1"},
        {"in_list", "Show as a list column", T::Bool, 0},
        {"position", "Position", T::Integer, 0},
    },
    {}, "label"};

// A customer journey (workflows/journeys.h): a trigger, then steps (JSON).
const EntitySpec kJourneys{
    "journeys", "journey", "Journeys",
    {
        {"name", "Name", T::Text, F_Required | F_Sortable},
        {"trigger", "Starts when", T::Choice, F_Required | F_Filterable, nullptr,
         {"segment_entered", "lead_created", "case_resolved", "date_reached"}, "'segment_entered'"},
        {"segment_id", "Segment (a contact enters it)", T::Ref, 0, "segments"},
        {"lead_source", "Lead source (a lead from it)", T::Choice, 0, nullptr, kLeadSources},
        {"campaign_id", "Campaign (a lead from it)", T::Ref, 0, "campaigns"},
        {"date_field", "Contact date field (reached)", T::Text, 0},
        {"days_before", "Days before the date", T::Integer, F_NonNegative},
        {"steps", "Steps", T::Text, F_Multiline},
        {"status", "Status", T::Choice, F_Required | F_Filterable, nullptr, {"draft", "active", "paused"}, "'draft'"},
        {"activated_at", "Active since", T::DateTime, F_System},
        {"description", "Description", T::Text, F_Multiline},
    },
    {}, "name"};

// One record's way through a journey: the next step and when it is due.
const EntitySpec kJourneyEnrollments{
    "journey_enrollments", "journey enrollment", "Journey enrollments",
    {
        {"journey_id", "Journey", T::Ref, F_Required | F_Filterable, "journeys"},
        {"contact_id", "Contact", T::Ref, F_Filterable, "contacts"},
        {"lead_id", "Lead", T::Ref, F_Filterable, "leads"},
        {"case_id", "Case", T::Ref, 0, "cases"},
        {"trigger_key", "Entered for", T::Text, 0},
        {"step", "Next step", T::Integer, F_NonNegative},
        {"due_at", "Next step due", T::DateTime, F_Sortable},
        {"status", "Status", T::Choice, F_Required | F_Filterable, nullptr, {"active", "done", "exited"}, "'active'"},
        {"entered_at", "Entered", T::DateTime, 0},
        {"last_action", "Last step", T::Text, 0},
    },
    {}, "due_at"};

uint64_t g_spec_generation = 0;

int default_stage_probability(std::string_view stage) {
    if (stage == "qualify") return 10;
    if (stage == "develop") return 40;
    if (stage == "propose") return 70;
    if (stage == "won") return 100;
    return 0;   // lost
}

const FieldSpec* EntitySpec::field(std::string_view name) const {
    for (const FieldSpec& f : fields)
        if (name == f.name) return &f;
    return nullptr;
}

const std::vector<const EntitySpec*>& all_entities() {
    static const std::vector<const EntitySpec*> all = {
        &kUsers, &kCustomFields, &kAccounts, &kContacts, &kSegments, &kEmailTemplates, &kCampaigns, &kLeads, &kOpportunities,
        &kQueues, &kProductCategories, &kProducts, &kKbArticles, &kCases, &kActivities, &kTasks, &kOrders,
        &kOrderLines, &kTags, &kRecordTags, &kAssignmentRules, &kScoringRules, &kSlaTargets, &kJourneys, &kJourneyEnrollments};
    return all;
}

const EntitySpec* find_entity(std::string_view table) {
    for (const EntitySpec* e : all_entities())
        if (table == e->table) return e;
    return nullptr;
}

const EntitySpec& entity(std::string_view table) {
    if (const EntitySpec* e = find_entity(table)) return *e;
    throw std::invalid_argument("unknown entity '" + std::string(table) + "'");
}

}  // namespace crm
