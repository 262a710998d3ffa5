// demo.cpp - see demo.h.
//
// The same seed must give the same bytes in the native (g++) and wasm (clang)
// builds, so: only integer and exact floating-point arithmetic for random
// choices (no log, exp or cos, whose last bits differ between libcs), and
// never two random draws in one expression whose evaluation order the
// language leaves open (function arguments, operands of + or *). Draws inside
// one braced initializer list are fine: those run left to right.
#include "demo/demo.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <optional>

#include "records/entity.h"
#include "records/search.h"
#include "storage/schema.h"
#include "workflows/sla.h"
#include "base/util.h"

// Emscripten 3.1.6's libc++ still has coroutines under std::experimental.
#if __has_include(<coroutine>)
#include <coroutine>
namespace coro = std;
#else
#pragma clang diagnostic ignored "-Wdeprecated-experimental-coroutine"
#include <experimental/coroutine>
namespace coro = std::experimental;
#endif

namespace crm {

int64_t DemoSummary::total() const {
    return users + accounts + contacts + leads + opportunities + campaigns + products + orders + order_lines + activities +
           cases + tasks + tags;
}

namespace {

//-----------------------------------------------------------------------------
// Steps: a phase of the generator as a coroutine that suspends every few
// hundred records, so that a caller with a frame budget (the browser app,
// which must keep drawing its progress bar) can run it a slice at a time.
//-----------------------------------------------------------------------------

struct Steps {
    struct promise_type {
        std::exception_ptr error;
        Steps get_return_object() { return Steps{coro::coroutine_handle<promise_type>::from_promise(*this)}; }
        coro::suspend_always initial_suspend() noexcept { return {}; }
        coro::suspend_always final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() { error = std::current_exception(); }
    };
    coro::coroutine_handle<promise_type> h;
    explicit Steps(coro::coroutine_handle<promise_type> h_) : h(h_) {}
    Steps(Steps&& o) noexcept : h(std::exchange(o.h, {})) {}
    Steps& operator=(Steps&& o) noexcept { std::swap(h, o.h); return *this; }
    ~Steps() { if (h) h.destroy(); }
    // Runs to the next suspension; true when the phase is finished.
    bool resume() {
        h.resume();
        if (h.promise().error) std::rethrow_exception(h.promise().error);
        return h.done();
    }
};

//-----------------------------------------------------------------------------
// Reference data: names, places and companies per country
//-----------------------------------------------------------------------------

struct City {
    const char* name;
    const char* region;
    const char* postcode;   // pattern: '#' a digit, 'A' a capital letter
};

struct Locale {
    const char* country;
    const char* phone_cc;     // country calling code
    const char* phone_local;  // pattern of the national number
    const char* tld;
    const char* language;
    const char* timezone;
    int weight;
    std::vector<const char*> female, male, last;
    // Latin spellings, parallel to the lists above, for scripts that are not
    // Latin (used in e-mail addresses); empty when the names are Latin.
    std::vector<const char*> female_latin, male_latin, last_latin;
    std::vector<City> cities;
    std::vector<const char*> streets;
    bool number_first;                 // "221 Baker Street" vs "Hauptstraße 5"
    std::vector<const char*> company_words, company_words_latin;
    std::vector<const char*> suffixes;
    bool suffix_first;                 // "株式会社 ..." style
};

const std::vector<Locale>& locales() {
    static const std::vector<Locale> all = {
        {"GB", "+44", "## #### ####", "co.uk", "en", "Europe/London", 18,
         {"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Charlotte", "Lucy", "Hannah", "Ruth", "Megan"},
         {"Oliver", "George", "Harry", "Jack", "Jacob", "Thomas", "James", "William", "Daniel", "Samuel", "Owen", "Rhys"},
         {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
          "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "O'Brien", "Hughes"},
         {}, {}, {},
         {{"London", "Greater London", "AA# #AA"}, {"Manchester", "Greater Manchester", "M## #AA"}, {"Birmingham", "West Midlands", "B## #AA"},
          {"Leeds", "West Yorkshire", "LS# #AA"}, {"Glasgow", "Scotland", "G## #AA"}, {"Bristol", "South West", "BS# #AA"},
          {"Cardiff", "Wales", "CF## #AA"}, {"Edinburgh", "Scotland", "EH# #AA"}},
         {"High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane", "King Street", "Queensway"}, true,
         {"Northwind", "Albion", "Thames", "Pennine", "Crown", "Harbour", "Oakfield", "Summit", "Kingsway", "Redbrick"}, {},
         {"Ltd", "PLC", "Group", "& Sons Ltd", "Holdings"}, false},
        {"US", "+1", "(###) ###-####", "com", "en", "America/New_York", 18,
         {"Emma", "Mia", "Madison", "Abigail", "Elizabeth", "Chloe", "Avery", "Harper", "Evelyn", "Natalie", "Zoe", "Maya"},
         {"Liam", "Noah", "Ethan", "Mason", "Logan", "Lucas", "Jackson", "Aiden", "Carter", "Wyatt", "Jayden", "Caleb"},
         {"Johnson", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez", "Anderson", "Thomas", "Moore", "Martin", "Lee",
          "Perez", "Harris", "Clark", "Lewis", "Young", "Allen", "King", "Scott", "Nguyen", "Hill", "Flores"},
         {}, {}, {},
         {{"New York", "NY", "100##"}, {"Chicago", "IL", "606##"}, {"Austin", "TX", "787##"}, {"Seattle", "WA", "981##"},
          {"Denver", "CO", "802##"}, {"Boston", "MA", "021##"}, {"Atlanta", "GA", "303##"}, {"San Diego", "CA", "921##"}},
         {"Main Street", "Oak Avenue", "Maple Drive", "Washington Boulevard", "Lake Street", "Elm Street", "Cedar Lane", "Sunset Boulevard"}, true,
         {"Contoso", "Fabrikam", "Tailspin", "Liberty", "Frontier", "Evergreen", "Pioneer", "Keystone", "Lakeside", "Bluebird"}, {},
         {"Inc.", "LLC", "Corp.", "Co.", "Partners"}, false},
        {"DE", "+49", "### #######", "de", "de", "Europe/Berlin", 14,
         {"Anna", "Lena", "Lea", "Hannah", "Sophie", "Marie", "Jürgen", "Katharina", "Sabine", "Ute", "Jana", "Greta"},
         {"Lukas", "Leon", "Maximilian", "Felix", "Jonas", "Paul", "Stefan", "Jörg", "Matthias", "Tobias", "Uwe", "Björn"},
         {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer",
          "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Krüger", "Hartmann"},
         {}, {}, {},
         {{"Berlin", "Berlin", "10###"}, {"München", "Bayern", "80###"}, {"Hamburg", "Hamburg", "20###"}, {"Köln", "Nordrhein-Westfalen", "50###"},
          {"Frankfurt am Main", "Hessen", "60###"}, {"Stuttgart", "Baden-Württemberg", "70###"}, {"Düsseldorf", "Nordrhein-Westfalen", "40###"},
          {"Leipzig", "Sachsen", "04###"}},
         {"Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Lindenallee", "Goethestraße", "Am Markt", "Mühlenweg"}, false,
         {"Logistik", "Maschinenbau", "Elektrotechnik", "Handel", "Software", "Medizintechnik", "Bau", "Energie"}, {},
         {"GmbH", "AG", "GmbH & Co. KG", "KG", "SE"}, false},
        {"FR", "+33", "# ## ## ## ##", "fr", "fr", "Europe/Paris", 10,
         {"Camille", "Léa", "Manon", "Chloé", "Inès", "Céline", "Élodie", "Amélie", "Margaux", "Zoé", "Anaïs", "Hélène"},
         {"Lucas", "Hugo", "Louis", "Gabriel", "Théo", "Raphaël", "François", "Jérôme", "Mathéo", "Noël", "Benoît", "Loïc"},
         {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre",
          "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Mercier", "Faure", "Chevalier", "Gauthier"},
         {}, {}, {},
         {{"Paris", "Île-de-France", "750##"}, {"Lyon", "Auvergne-Rhône-Alpes", "6900#"}, {"Marseille", "Provence-Alpes-Côte d'Azur", "130##"},
          {"Toulouse", "Occitanie", "310##"}, {"Nantes", "Pays de la Loire", "440##"}, {"Lille", "Hauts-de-France", "590##"},
          {"Bordeaux", "Nouvelle-Aquitaine", "330##"}, {"Strasbourg", "Grand Est", "670##"}},
         {"rue de la République", "avenue Victor Hugo", "rue Pasteur", "boulevard Voltaire", "rue du Général Leclerc", "place de l'Église",
          "rue des Écoles", "chemin des Vignes"}, true,
         {"Conseil", "Industries", "Solutions", "Transports", "Informatique", "Énergie", "Distribution", "Bâtiment"}, {},
         {"SA", "SAS", "SARL", "Groupe"}, false},
        {"ES", "+34", "### ### ###", "es", "es", "Europe/Madrid", 6,
         {"Lucía", "Sofía", "María", "Paula", "Carmen", "Inés", "Begoña", "Nuria", "Pilar", "Ana"},
         {"Hugo", "Martín", "Pablo", "Álvaro", "Javier", "Sergio", "Íñigo", "José", "Andrés", "Raúl"},
         {"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Muñoz", "Jiménez", "Ruiz", "Núñez", "Peña"},
         {}, {}, {},
         {{"Madrid", "Comunidad de Madrid", "280##"}, {"Barcelona", "Cataluña", "080##"}, {"Valencia", "Comunidad Valenciana", "460##"},
          {"Sevilla", "Andalucía", "410##"}, {"Bilbao", "País Vasco", "480##"}, {"Málaga", "Andalucía", "290##"}},
         {"Calle Mayor", "Avenida de la Constitución", "Calle Real", "Paseo de Gracia", "Calle de Alcalá", "Plaza de España"}, false,
         {"Soluciones", "Ibérica", "Logística", "Tecnologías", "Construcciones", "Alimentación"}, {},
         {"S.L.", "S.A.", "Grupo"}, false},
        {"IT", "+39", "## #### ####", "it", "it", "Europe/Rome", 6,
         {"Giulia", "Chiara", "Francesca", "Sara", "Martina", "Alessia", "Federica", "Elena", "Valentina", "Noemi"},
         {"Francesco", "Alessandro", "Lorenzo", "Matteo", "Andrea", "Niccolò", "Davide", "Riccardo", "Gabriele", "Tommaso"},
         {"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca"},
         {}, {}, {},
         {{"Milano", "Lombardia", "201##"}, {"Roma", "Lazio", "001##"}, {"Torino", "Piemonte", "101##"}, {"Bologna", "Emilia-Romagna", "401##"},
          {"Firenze", "Toscana", "501##"}, {"Napoli", "Campania", "801##"}},
         {"Via Roma", "Corso Italia", "Via Garibaldi", "Via Dante", "Piazza della Libertà", "Via Verdi"}, false,
         {"Meccanica", "Tessile", "Alimentari", "Costruzioni", "Informatica", "Trasporti"}, {},
         {"S.p.A.", "S.r.l.", "Gruppo"}, false},
        {"NL", "+31", "## ### ####", "nl", "nl", "Europe/Amsterdam", 5,
         {"Emma", "Julia", "Sanne", "Fleur", "Lotte", "Anouk", "Iris", "Femke"},
         {"Daan", "Sem", "Bram", "Lars", "Thijs", "Jeroen", "Ruben", "Joost"},
         {"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos"},
         {}, {}, {},
         {{"Amsterdam", "Noord-Holland", "10## AA"}, {"Rotterdam", "Zuid-Holland", "30## AA"}, {"Utrecht", "Utrecht", "35## AA"},
          {"Eindhoven", "Noord-Brabant", "56## AA"}},
         {"Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Prinsengracht", "Nieuwstraat"}, false,
         {"Handel", "Techniek", "Logistiek", "Bouw", "Advies", "Groep"}, {},
         {"B.V.", "N.V."}, false},
        {"SE", "+46", "## ### ## ##", "se", "sv", "Europe/Stockholm", 4,
         {"Alice", "Maja", "Elsa", "Astrid", "Saga", "Linnéa", "Ingrid", "Märta"},
         {"William", "Oskar", "Lucas", "Hugo", "Elias", "Björn", "Åke", "Göran"},
         {"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Lindström", "Åberg"},
         {}, {}, {},
         {{"Stockholm", "Stockholms län", "1## ##"}, {"Göteborg", "Västra Götalands län", "4## ##"}, {"Malmö", "Skåne län", "2## ##"},
          {"Uppsala", "Uppsala län", "75# ##"}},
         {"Storgatan", "Drottninggatan", "Kungsgatan", "Skolgatan", "Järnvägsgatan", "Sjövägen"}, false,
         {"Teknik", "Bygg", "Handel", "Skog", "Konsult", "Energi"}, {},
         {"AB"}, false},
        {"PL", "+48", "### ### ###", "pl", "pl", "Europe/Warsaw", 4,
         {"Zuzanna", "Julia", "Maja", "Zofia", "Małgorzata", "Agnieszka", "Katarzyna", "Łucja"},
         {"Jakub", "Kacper", "Szymon", "Mateusz", "Paweł", "Michał", "Łukasz", "Wojciech"},
         {"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski"},
         {}, {}, {},
         {{"Warszawa", "mazowieckie", "0#-###"}, {"Kraków", "małopolskie", "3#-###"}, {"Łódź", "łódzkie", "9#-###"},
          {"Wrocław", "dolnośląskie", "5#-###"}, {"Gdańsk", "pomorskie", "8#-###"}},
         {"ul. Marszałkowska", "ul. Długa", "ul. Polna", "ul. Kościuszki", "ul. Mickiewicza", "ul. Słoneczna"}, false,
         {"Budownictwo", "Transport", "Handel", "Informatyka", "Przemysł", "Energetyka"}, {},
         {"Sp. z o.o.", "S.A."}, false},
        {"RU", "+7", "### ###-##-##", "ru", "ru", "Europe/Moscow", 4,
         {"Анастасия", "Мария", "Дарья", "Анна", "Елена", "Ольга", "Татьяна", "Наталья"},
         {"Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Иван", "Михаил"},
         {"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков"},
         {"anastasia", "maria", "daria", "anna", "elena", "olga", "tatiana", "natalia"},
         {"alexander", "dmitry", "maxim", "sergey", "andrey", "alexey", "ivan", "mikhail"},
         {"ivanov", "smirnov", "kuznetsov", "popov", "vasiliev", "petrov", "sokolov", "mikhailov", "novikov", "fedorov", "morozov", "volkov"},
         {{"Москва", "Москва", "1#####"}, {"Санкт-Петербург", "Санкт-Петербург", "19####"}, {"Новосибирск", "Новосибирская область", "630###"},
          {"Екатеринбург", "Свердловская область", "620###"}, {"Казань", "Татарстан", "420###"}},
         {"ул. Ленина", "ул. Пушкина", "Невский проспект", "ул. Гагарина", "ул. Садовая", "ул. Мира"}, false,
         {"Техно", "Строй", "Транс", "Энерго", "Торг", "Инвест"}, {"tekhno", "stroy", "trans", "energo", "torg", "invest"},
         {"ООО", "АО"}, true},
        {"JP", "+81", "##-####-####", "co.jp", "ja", "Asia/Tokyo", 4,
         {"陽菜", "結衣", "美咲", "さくら", "葵", "優子", "恵子", "真由美"},
         {"翔太", "大輝", "拓也", "健太", "蓮", "悠真", "誠", "浩"},
         {"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"},
         {"hina", "yui", "misaki", "sakura", "aoi", "yuko", "keiko", "mayumi"},
         {"shota", "daiki", "takuya", "kenta", "ren", "yuma", "makoto", "hiroshi"},
         {"sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato", "yoshida", "yamada"},
         {{"東京都", "関東", "1##-####"}, {"大阪市", "近畿", "5##-####"}, {"名古屋市", "中部", "4##-####"}, {"横浜市", "関東", "2##-####"},
          {"福岡市", "九州", "8##-####"}, {"札幌市", "北海道", "0##-####"}},
         {"中央通り", "本町", "桜通り", "駅前通り", "緑町", "新町"}, false,
         {"製作所", "商事", "電機", "物産", "工業", "システム"}, {"seisakusho", "shoji", "denki", "bussan", "kogyo", "system"},
         {"株式会社"}, true},
        {"CN", "+86", "### #### ####", "cn", "zh", "Asia/Shanghai", 3,
         {"秀英", "丽娟", "静", "敏", "婷婷", "雪梅", "晓燕", "芳"},
         {"伟", "强", "磊", "军", "洋", "勇", "杰", "涛"},
         {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"},
         {"xiuying", "lijuan", "jing", "min", "tingting", "xuemei", "xiaoyan", "fang"},
         {"wei", "qiang", "lei", "jun", "yang", "yong", "jie", "tao"},
         {"wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun"},
         {{"上海", "上海市", "200###"}, {"北京", "北京市", "100###"}, {"深圳", "广东省", "518###"}, {"杭州", "浙江省", "310###"},
          {"成都", "四川省", "610###"}},
         {"南京路", "人民路", "解放路", "中山路", "建设路", "长安街"}, false,
         {"科技", "贸易", "制造", "物流", "电子", "能源"}, {"keji", "maoyi", "zhizao", "wuliu", "dianzi", "nengyuan"},
         {"有限公司"}, false},
    };
    return all;
}

const char* kIndustries[] = {"Manufacturing", "Retail", "Healthcare", "Financial services", "Software", "Logistics", "Construction",
                             "Energy", "Education", "Hospitality", "Telecommunications", "Media", "Agriculture", "Automotive",
                             "Professional services"};
const char* kJobTitles[] = {"CEO", "CFO", "CTO", "Head of Purchasing", "Purchasing Manager", "IT Manager", "Office Manager",
                            "Operations Director", "Sales Director", "Marketing Manager", "Project Manager", "Engineer",
                            "Assistant to the CEO", "Facilities Manager", "Buyer", "Head of IT"};
const char* kDepartments[] = {"Management", "Purchasing", "IT", "Finance", "Operations", "Sales", "Marketing", "Facilities"};
const char* kLostReasons[] = {"Price too high", "Chose a competitor", "No budget", "No decision", "Timing", "Missing feature"};
const char* kDisqualifyReasons[] = {"No budget", "Not the decision maker", "No need", "Duplicate", "Unreachable", "Student / private person"};
const char* kCallOutcomes[] = {"connected", "left voicemail", "no answer", "busy", "callback requested", "wrong number"};
const char* kCaseSubjects[] = {"Printer does not power on", "Invoice amount wrong", "Cannot log in to the portal", "Delivery arrived damaged",
                               "Licence key rejected", "Request for maintenance visit", "Question about warranty", "Slow performance after update",
                               "Missing items in shipment", "Change of billing address", "Training request", "Complaint about response time"};
const char* kCaseTypes[] = {"problem", "problem", "problem", "complaint", "problem", "maintenance", "question", "problem", "complaint",
                            "request", "request", "complaint"};

struct ProductDef {
    const char* category;
    const char* name;
    int64_t price;   // minor units
};
const char* kCategoryTree[][2] = {  // name, parent
    {"Hardware", nullptr}, {"Printers", "Hardware"}, {"Laptops", "Hardware"}, {"Networking", "Hardware"},
    {"Software", nullptr}, {"Licences", "Software"}, {"Subscriptions", "Software"},
    {"Services", nullptr}, {"Support plans", "Services"}, {"Training", "Services"}, {"Consumables", nullptr}};
const ProductDef kCatalogue[] = {
    {"Printers", "LaserJet Office 400", 49900}, {"Printers", "LaserJet Office 600", 89900}, {"Printers", "ColorPro 8000", 249000},
    {"Printers", "Label Printer LP-20", 19900}, {"Laptops", "ProBook 14", 109900}, {"Laptops", "ProBook 16", 139900},
    {"Laptops", "UltraLight 13", 169900}, {"Laptops", "Workstation X1", 289900}, {"Networking", "Switch 24-port", 39900},
    {"Networking", "Wi-Fi Access Point AX", 24900}, {"Networking", "Firewall Appliance", 129900}, {"Networking", "Router Edge 5", 59900},
    {"Licences", "Office Suite (perpetual)", 39900}, {"Licences", "Design Studio licence", 99900}, {"Licences", "Database Server licence", 450000},
    {"Subscriptions", "CRM Cloud seat (year)", 48000}, {"Subscriptions", "Backup 1 TB (year)", 12000}, {"Subscriptions", "Security Suite (year)", 6900},
    {"Subscriptions", "Video Meetings (year)", 14400}, {"Support plans", "Support Bronze (year)", 60000}, {"Support plans", "Support Silver (year)", 150000},
    {"Support plans", "Support Gold (year)", 360000}, {"Training", "Admin training (1 day)", 89000}, {"Training", "User workshop (half day)", 45000},
    {"Training", "Online course bundle", 19900}, {"Consumables", "Toner black (pack of 2)", 12900}, {"Consumables", "Toner colour set", 29900},
    {"Consumables", "Paper A4 (5 boxes)", 8900}, {"Consumables", "Labels (10 rolls)", 4900}, {"Consumables", "Docking cable kit", 3900}};

// Products often bought with another (indexes into kCatalogue).
const std::pair<size_t, size_t> kBoughtTogether[] = {
    {0, 25}, {0, 27}, {1, 25}, {1, 27}, {2, 26}, {2, 27}, {3, 28}, {4, 29}, {4, 12}, {5, 29}, {5, 17}, {6, 29}, {6, 18},
    {7, 13}, {8, 9}, {10, 17}, {11, 8}, {14, 22}, {15, 23}, {21, 22}, {13, 24}};

//-----------------------------------------------------------------------------
// The generator
//-----------------------------------------------------------------------------

constexpr int64_t kMinute = 60000, kHour = 60 * kMinute, kDay = 24 * kHour;

struct AccountInfo {
    std::string id;
    size_t locale;
    std::string tier, domain, owner;
    int64_t created;
    bool customer;
    std::vector<size_t> contacts;   // indexes into Gen::contacts
};

struct ContactInfo {
    std::string id;
    size_t account;
    int64_t created;
};

struct CampaignInfo {
    std::string id;
    int64_t start, end;
    std::string type;
};

struct ProductInfo {
    std::string id;
    int64_t price;
};

struct Gen {
    Store& s;
    Rng r;
    const DemoOptions& opt;
    DemoSummary sum;
    int64_t sim = 0, now = 0, start = 0;
    std::vector<std::string> sales_reps, service_reps_l1, service_reps_l2, managers;
    std::vector<std::string> queues;   // billing, technical 1st, technical 2nd, key accounts
    std::vector<CampaignInfo> campaigns;
    std::vector<ProductInfo> products;
    std::vector<AccountInfo> accounts;
    std::vector<ContactInfo> contacts;
    std::vector<std::string> tags;
    int64_t done = 0, planned = 1;
    int64_t next_yield = 0;
    std::string demo_template;   // the e-mail campaigns' template

    // co_await g.slice() suspends the phase when 256 records were written since the last time.
    struct Slice {
        Gen& g;
        bool await_ready() const noexcept { return g.done < g.next_yield; }
        void await_suspend(coro::coroutine_handle<>) const noexcept { g.next_yield = g.done + 256; }
        void await_resume() const noexcept {}
    };
    Slice slice() { return Slice{*this}; }

    Gen(Store& s_, const DemoOptions& o) : s(s_), r(o.seed * 0x9E3779B97F4A7C15ull + 7), opt(o) {}

    // Progress in records written against the planned total.
    const char* phase_now = "starting";
    void step(const char* phase) {
        phase_now = phase;
        if (++done % 500 == 0 && opt.progress && !opt.progress(std::min(1.0, (double)done / (double)planned), phase))
            throw DemoCancelled();
    }
    std::string create(const EntitySpec& e, int64_t at, const Fields& f, const char* phase) {
        sim = at;
        step(phase);
        return s.create(e, f);
    }
    void update(const EntitySpec& e, int64_t at, const std::string& id, const Fields& f) {
        sim = at;
        s.update(e, id, f);
    }

    int64_t between(int64_t a, int64_t b) { return b <= a ? a : r.range(a, b); }
    // A time in [a, b] during working hours (08:00-18:00 UTC, Monday to Friday).
    int64_t work_time(int64_t a, int64_t b) {
        for (int tries = 0; tries < 8; tries++) {
            int64_t t = between(a, b);
            int64_t day = t / kDay * kDay;
            int64_t weekday = (t / kDay + 4) % 7;  // 1970-01-01 was a Thursday
            if (weekday >= 5) continue;
            int64_t tod = 8 * kHour + (int64_t)r.below(10 * kHour);
            int64_t w = day + tod;
            if (w >= a && w <= b) return w;
        }
        return between(a, b);
    }
    // Skewed towards recent times: businesses grow.
    int64_t grown_time(int64_t a, int64_t b) {
        // Two separate statements: the order of evaluation of function
        // arguments differs between compilers, and the sequence must not.
        double u1 = r.unit();
        double u = std::max(u1, r.unit());
        return a + (int64_t)((double)(b - a) * u);
    }
    std::string fill(const char* pattern) {
        std::string out;
        for (const char* p = pattern; *p; p++) {
            if (*p == '#') out += (char)('0' + r.below(10));
            else if (*p == 'A') out += (char)('A' + r.below(26));
            else out += *p;
        }
        return out;
    }
    std::string phone(const Locale& l) { return std::string(l.phone_cc) + " " + fill(l.phone_local); }
    size_t pick_locale() {
        const auto& ls = locales();
        int total = 0;
        for (const Locale& l : ls) total += l.weight;
        int64_t x = (int64_t)r.below((uint64_t)total);
        for (size_t i = 0; i < ls.size(); i++)
            if ((x -= ls[i].weight) < 0) return i;
        return 0;
    }
    std::string address_street(const Locale& l) {
        std::string num = std::to_string(1 + r.below(180));
        const char* st = r.pick(l.streets);
        return l.number_first ? num + " " + st : std::string(st) + " " + num;
    }
};

void make_users(Gen& g) {
    const char* teams[] = {"EMEA North", "DACH", "Southern Europe", "Americas", "APAC"};
    const char* territories[][4] = {{"GB", "NL", "SE", "PL"}, {"DE", "", "", ""}, {"FR", "ES", "IT", ""}, {"US", "", "", ""}, {"JP", "CN", "RU", ""}};
    int64_t n_sales = std::max<int64_t>(5, g.opt.contacts / 4000);
    int64_t n_service = std::max<int64_t>(4, g.opt.contacts / 5000);
    auto person = [&](size_t li) {
        const Locale& l = locales()[li];
        bool female = g.r.chance(0.5);
        std::string first = female ? g.r.pick(l.female) : g.r.pick(l.male);
        return first + " " + g.r.pick(l.last);
    };
    auto email_of = [&](const std::string& role, int64_t i) { return role + std::to_string(i) + "@crm-demo.example"; };
    for (int i = 0; i < 5; i++) {
        std::string id = g.create(kUsers, g.start, {{"name", person((size_t)i % 4)}, {"email", email_of("manager", i)}, {"role", i < 3 ? "sales_manager" : i == 3 ? "service_manager" : "marketing"},
                                                    {"team", i < 3 ? teams[i] : i == 3 ? "Service" : "Marketing"}}, "users");
        g.managers.push_back(id);
        g.sum.users++;
    }
    for (int64_t i = 0; i < n_sales; i++) {
        int team = (int)(i % 5);
        std::string terr;
        for (const char* t : territories[team]) if (*t) terr += (terr.empty() ? "" : ",") + std::string(t);
        std::string id = g.create(kUsers, g.start, {{"name", person((size_t)(i % 12))}, {"email", email_of("sales", i)}, {"role", "sales_rep"},
                                                    {"team", teams[team]}, {"territory", terr}}, "users");
        g.sales_reps.push_back(id);
        g.sum.users++;
    }
    const char* skills[] = {"billing", "hardware", "software,network", "hardware,network", "software"};
    for (int64_t i = 0; i < n_service; i++) {
        bool second = i % 3 == 2;
        std::string id = g.create(kUsers, g.start, {{"name", person((size_t)(i % 12))}, {"email", email_of("service", i)},
                                                    {"role", "service_rep"}, {"team", second ? "Service 2nd line" : "Service 1st line"},
                                                    {"skills", skills[i % 5]}, {"line", int64_t(second ? 2 : 1)}}, "users");
        (second ? g.service_reps_l2 : g.service_reps_l1).push_back(id);
        g.sum.users++;
    }
    g.queues.push_back(g.create(kQueues, g.start, {{"name", "Billing"}, {"line", int64_t(1)}, {"case_types", "question,request"}, {"skills", "billing"}}, "queues"));
    g.queues.push_back(g.create(kQueues, g.start, {{"name", "Technical support"}, {"line", int64_t(1)}, {"case_types", "problem,maintenance"}, {"skills", "hardware,software"}}, "queues"));
    g.queues.push_back(g.create(kQueues, g.start, {{"name", "Technical 2nd line"}, {"line", int64_t(2)}, {"case_types", "problem"}, {"skills", "network,software"}}, "queues"));
    g.queues.push_back(g.create(kQueues, g.start, {{"name", "Key accounts"}, {"line", int64_t(1)}, {"case_types", "complaint,problem,question"}, {"skills", ""}}, "queues"));
}

// The rules the workflows follow, as a team would have set them up: lead
// assignment by territory with a round-robin catch-all, scoring, the Gold
// tier's queue, knowledge-base articles for the common cases, a template and
// a segment. No random draws: the rest of the data stays as it was.
void make_workflow_setup(Gen& g) {
    const char* territories[] = {"GB, NL, SE, PL", "DE, AT, CH", "FR, ES, IT", "US, CA", "JP, CN, RU"};
    for (size_t i = 0; i < 5 && i < g.sales_reps.size(); i++)
        g.create(kAssignmentRules, g.start, {{"position", int64_t(i + 1)}, {"kind", "territory"}, {"match", territories[i]},
                                            {"user_id", g.sales_reps[i]}}, "rules");
    g.create(kAssignmentRules, g.start, {{"position", int64_t(10)}, {"kind", "round_robin"}, {"team", "EMEA North"}}, "rules");
    struct { const char* kind; const char* action; const char* field; const char* value; int64_t points; const char* label; } scoring[] = {
        {"attribute", "", "source", "referral", 20, "Referred by a customer"},
        {"attribute", "", "source", "trade_show", 10, "Met at a trade show"},
        {"attribute", "", "industry", "Manufacturing", 10, "Target industry"},
        {"attribute", "", "job_title", "Purchasing Manager", 15, "Buyer"},
        {"action", "web_form", "", "", 10, "Filled in a form"},
        {"action", "email", "", "", 5, "Replied by e-mail"},
        {"action", "meeting", "", "", 25, "Took a meeting"},
    };
    for (auto& r : scoring)
        g.create(kScoringRules, g.start, {{"kind", r.kind}, {"action", r.action}, {"field", r.field}, {"value", r.value},
                                         {"points", r.points}, {"label", r.label}}, "rules");
    if (g.queues.size() > 3) g.s.set_setting("cases.queue.Gold", g.queues[3]);   // Key accounts
    // Analytics: the company reports in EUR; costs and quotas scale with the data's size.
    g.s.set_setting("analytics.rates", "GBP 1.17, USD 0.92, JPY 0.0061");
    g.s.set_setting("analytics.sales_cost_per_month", std::to_string(g.opt.contacts * 5800));
    g.s.set_setting("analytics.quota_per_rep_month", std::to_string(g.opt.contacts * 1000));
    const char* kb[][4] = {
        {"Printer does not power on", "The printer shows no lights after being switched on.", "Check the power cable and the wall socket; then hold the power button for 10 seconds to reset the power supply. If it still fails, replace the power supply unit (part PSU-500).", "problem"},
        {"Resetting a portal password", "A user cannot log in to the customer portal.", "Use \"Forgot password\" on the login page; the link is valid for 24 hours. Accounts lock after 5 failed attempts and unlock after 30 minutes.", "problem"},
        {"Licence key rejected after reinstall", "The software says the licence key is invalid after a reinstall.", "Deactivate the old installation in the licence portal, then enter the key again. Keys are bound to one device at a time.", "problem"},
        {"Slow performance after an update", "The application became slow after the latest update.", "Clear the local cache (Settings > Storage > Clear cache) and restart. Update the graphics driver on older laptops.", "problem"},
        {"Damaged or missing delivery items", "A delivery arrived damaged or incomplete.", "Photograph the packaging, open a complaint case within 7 days; a replacement ships within 2 working days.", "complaint"},
        {"Scheduling a maintenance visit", "The customer asks for a maintenance visit.", "Offer the next free slot in the technician calendar; Gold customers get a visit within 2 working days.", "maintenance"},
    };
    for (auto& a : kb)
        g.create(kKbArticles, g.start, {{"title", a[0]}, {"problem", a[1]}, {"solution", a[2]}, {"case_type", a[3]}}, "rules");
    g.demo_template = g.create(kEmailTemplates, g.start, {{"name", "Product news"}, {"subject", "News for {company}"},
                                       {"body", "Dear {first_name|customer},\n\nour new range is here - ask me for a demo.\n\nBest regards,\n{rep_name}"},
                                       {"category", "product_news"}}, "rules");
    g.create(kSegments, g.start, {{"name", "Gold customers, decision makers"},
                                 {"rules", R"({"all": [{"account_tier": "Gold"}, {"field": "buying_role", "op": "=", "value": "decision_maker"}]})"},
                                 {"description", "For key-account news"}}, "rules");
}

void make_catalogue(Gen& g) {
    std::vector<std::pair<std::string, std::string>> cats;  // name -> id
    for (auto& c : kCategoryTree) {
        Fields f{{"name", c[0]}};
        if (c[1])
            for (auto& [n, id] : cats)
                if (n == c[1]) f.push_back({"parent_id", id});
        cats.push_back({c[0], g.create(kProductCategories, g.start, f, "products")});
    }
    int i = 0;
    for (const ProductDef& p : kCatalogue) {
        std::string cat;
        for (auto& [n, id] : cats)
            if (n == p.category) cat = id;
        char code[16];
        snprintf(code, sizeof code, "P-%04d", 1001 + i++);
        std::string id = g.create(kProducts, g.start, {{"name", p.name}, {"code", code}, {"category_id", cat}, {"price", p.price},
                                                       {"cost", p.price * (45 + (int64_t)g.r.below(30)) / 100}}, "products");
        g.products.push_back({id, p.price});
        g.sum.products++;
    }
}

void make_campaigns(Gen& g) {
    const char* types[] = {"email", "webinar", "trade_show", "advertising", "direct_mail", "social", "content", "event"};
    const char* themes[] = {"Spring Launch", "Summer Offers", "Back to Business", "Year-End Upgrade", "Printer Trade-In", "Cloud Migration",
                            "Security Week", "Partner Days", "New Laptop Range", "Customer Roadshow", "Training Month", "Support Renewal"};
    // About one a month, from the start of the history to two months ahead:
    // completed ones, the one running now, and planned ones.
    for (int m = 0; g.start + m * 30 * kDay < g.now + 60 * kDay; m++) {
        int64_t st = g.start + m * 30 * kDay + (int64_t)g.r.below(10) * kDay;
        int64_t en = st + (14 + (int64_t)g.r.below(40)) * kDay;
        if (st <= g.now && g.now < st + 30 * kDay) en = g.now + (14 + (int64_t)g.r.below(30)) * kDay;
        std::string type = types[(size_t)(m * 5 + 3) % 8];
        int y; unsigned mo, d;
        civil_from_days(st / kDay, y, mo, d);
        std::string name = std::string(themes[m % 12]) + " " + std::to_string(y);
        const char* status = en < g.now ? "completed" : st > g.now ? "planned" : "active";
        int64_t budget = (5000 + (int64_t)g.r.below(45000)) * 100;
        Fields f{{"name", name}, {"type", type}, {"status", status}, {"start_date", format_date(st)}, {"end_date", format_date(en)},
                 {"budget", budget}, {"actual_cost", en < g.now ? budget * (80 + (int64_t)g.r.below(35)) / 100 : int64_t(0)},
                 {"expected_revenue", budget * (3 + (int64_t)g.r.below(6))}, {"owner_id", g.managers[4]},
                 {"target_segment", R"({"all": [{"field": "country", "op": "in", "value": ["GB", "DE", "FR", "US"]}]})"}};
        if (type == "email" && !g.demo_template.empty()) f.push_back({"template_id", g.demo_template});
        if (type == "email" && st < g.now) {   // sent: the reach, and the contacts skipped (opt-outs, duplicates)
            int64_t reach = std::max<int64_t>(10, g.opt.contacts / 4);
            int64_t skipped = reach * (4 + (int64_t)g.r.below(8)) / 100;
            f.push_back({"sent_count", reach - skipped});
            f.push_back({"suppressed_count", skipped});
        }
        std::string id = g.create(kCampaigns, std::clamp(st - 20 * kDay, g.start, g.now - kDay), f, "campaigns");
        g.campaigns.push_back({id, st, en, type});
        g.sum.campaigns++;
    }
}

const CampaignInfo* campaign_at(Gen& g, int64_t t) {
    for (const CampaignInfo& c : g.campaigns)
        if (t >= c.start && t <= c.end + 10 * kDay) return &c;
    return nullptr;
}

// A person in a locale: native name, and its Latin form for e-mail.
struct Person {
    std::string first, last, first_latin, last_latin;
    bool female;
};

Person person(Gen& g, const Locale& l) {
    Person p;
    p.female = g.r.chance(0.5);
    const auto& firsts = p.female ? l.female : l.male;
    const auto& firsts_latin = p.female ? l.female_latin : l.male_latin;
    size_t fi = (size_t)g.r.below(firsts.size()), li = (size_t)g.r.below(l.last.size());
    p.first = firsts[fi];
    p.last = l.last[li];
    p.first_latin = firsts_latin.empty() ? p.first : firsts_latin[fi];
    p.last_latin = l.last_latin.empty() ? p.last : l.last_latin[li];
    return p;
}

// Lower-case ASCII letters and digits of a Latin-script string, accents
// folded to their base letter ("Müller" -> "muller"), everything else dropped.
std::string ascii_fold(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += (char)c;
            else if (c >= 'A' && c <= 'Z') out += (char)(c | 0x20);
            continue;
        }
        // Two-byte Latin-1 supplement and Latin Extended-A letters.
        if ((c == 0xC3 || c == 0xC4 || c == 0xC5) && i + 1 < s.size()) {
            unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu);
            i++;
            static const char* latin1 = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  // U+00E0..U+00FF
            static const char* ext_a =
                "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiijjjjkkklllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
            if (cp >= 0xC0 && cp <= 0xDF) cp += 0x20;
            if (cp >= 0xE0 && cp <= 0xFF) {
                if (latin1[cp - 0xE0] != '/') out += latin1[cp - 0xE0];
            } else if (cp >= 0x100 && cp <= 0x17F) {
                out += ext_a[cp - 0x100];
            }
        }
    }
    return out;
}

// E-mail local part from a Latin-script name.
std::string mailbox(const std::string& first, const std::string& last, int style) {
    std::string f = ascii_fold(first), l = ascii_fold(last);
    if (f.empty()) f = "info";
    switch (style) {
    case 0: return f + "." + l;
    case 1: return f.substr(0, 1) + l;
    case 2: return f + l.substr(0, 1);
    default: return l + "." + f;
    }
}

Steps make_accounts_and_contacts(Gen& g) {
    int64_t n_contacts = g.opt.contacts;
    int64_t n_accounts = std::max<int64_t>(1, n_contacts / 5);
    const auto& ls = locales();
    const char* roles[] = {"decision_maker", "buyer", "influencer", "initiator", "gatekeeper", "user", "user"};
    const char* channels[] = {"any", "any", "email", "email", "phone", "mail", "face_to_face", "sms", "chat"};

    // Contacts per account: 1 to 12, averaging five, drawn up front so the total is exact.
    std::vector<int64_t> per(n_accounts, 1);
    for (int64_t k = n_accounts; k < n_contacts; k++) {
        size_t a = (size_t)g.r.below((uint64_t)n_accounts);
        if (per[a] < 12) per[a]++;
        else per[(size_t)g.r.below((uint64_t)n_accounts)]++;
    }

    for (int64_t a = 0; a < n_accounts; a++) {
        co_await g.slice();
        size_t li = g.pick_locale();
        const Locale& l = ls[li];
        AccountInfo acc;
        acc.locale = li;
        acc.created = g.grown_time(g.start, g.now - 2 * kDay);
        // Names: "<surname> <word> <suffix>" or "<word> <industry> <suffix>".
        size_t wi = (size_t)g.r.below(l.company_words.size());
        std::string word = l.company_words[wi];
        std::string word_latin = l.company_words_latin.empty() ? word : l.company_words_latin[wi];
        Person founder = person(g, l);
        const char* suffix = g.r.pick(l.suffixes);
        const char* industry = kIndustries[g.r.below(std::size(kIndustries))];
        std::string name, name_latin;
        bool cjk = std::string(l.country) == "JP" || std::string(l.country) == "CN";
        if (cjk) {
            name = founder.last + word;
            name_latin = founder.last_latin + word_latin;
            name = l.suffix_first ? std::string(suffix) + name : name + suffix;
        } else if (l.suffix_first) {  // ООО «Иванов Техно»
            name = std::string(suffix) + " «" + founder.last + " " + word + "»";
            name_latin = founder.last_latin + word_latin;
        } else if (g.r.chance(0.5)) {
            name = founder.last + " " + word + " " + suffix;
            name_latin = founder.last_latin + word;
        } else {
            const auto& other = ls[(size_t)g.r.below(2)];  // English brand words are common everywhere
            std::string brand = g.r.pick(other.company_words);
            name = brand + " " + word + " " + suffix;
            name_latin = brand + word;
        }
        acc.domain = ascii_fold(name_latin) + "." + l.tld;
        if (acc.domain[0] == '.') acc.domain = "company" + std::to_string(a) + acc.domain;
        double u = g.r.unit();
        acc.tier = u < 0.1 ? "Gold" : u < 0.4 ? "Silver" : "Bronze";
        acc.customer = g.r.chance(0.65);
        // Owner: a sales rep of the account's territory when there is one.
        std::vector<std::string> local;
        for (size_t i = 0; i < g.sales_reps.size(); i++) {
            int team = (int)(i % 5);
            const char* terr[][4] = {{"GB", "NL", "SE", "PL"}, {"DE", "", "", ""}, {"FR", "ES", "IT", ""}, {"US", "", "", ""}, {"JP", "CN", "RU", ""}};
            for (const char* t : terr[team]) if (!strcmp(t, l.country)) local.push_back(g.sales_reps[i]);
        }
        acc.owner = local.empty() ? g.r.pick(g.sales_reps) : g.r.pick(local);
        const City& city = g.r.pick(l.cities);
        int64_t employees = acc.tier == "Gold" ? 500 + (int64_t)g.r.below(20000) : acc.tier == "Silver" ? 50 + (int64_t)g.r.below(950) : 2 + (int64_t)g.r.below(120);
        Fields f{{"name", name}, {"type", acc.customer ? "customer" : g.r.chance(0.9) ? "prospect" : "partner"}, {"industry", industry},
                 {"employees", employees}, {"annual_revenue", employees * (60000 + (int64_t)g.r.below(140000)) * 100},
                 {"tier", acc.tier}, {"website", "https://www." + acc.domain}, {"phone", g.phone(l)}, {"email", "info@" + acc.domain},
                 {"street", g.address_street(l)}, {"city", city.name}, {"postcode", g.fill(city.postcode)}, {"region", city.region},
                 {"country", l.country}, {"owner_id", acc.owner}, {"currency", std::string(l.country) == "US" ? "USD" : std::string(l.country) == "GB" ? "GBP" : std::string(l.country) == "JP" ? "JPY" : "EUR"}};
        acc.id = g.create(kAccounts, acc.created, f, "accounts");
        g.sum.accounts++;

        for (int64_t k = 0; k < per[(size_t)a]; k++) {
            Person p = person(g, l);
            ContactInfo c;
            c.account = g.accounts.size();
            c.created = k == 0 ? acc.created : g.grown_time(acc.created, g.now - kDay);
            std::string email = mailbox(p.first_latin, p.last_latin, (int)(a % 4)) + (k > 3 ? std::to_string(k) : "") + "@" + acc.domain;
            bool dnc = g.r.chance(0.05);
            Fields cf{{"account_id", acc.id}, {"salutation", p.female ? "Ms" : "Mr"}, {"first_name", p.first}, {"last_name", p.last},
                      {"job_title", kJobTitles[g.r.below(std::size(kJobTitles))]}, {"department", kDepartments[g.r.below(std::size(kDepartments))]},
                      {"buying_role", k == 0 ? "decision_maker" : roles[g.r.below(std::size(roles))]}, {"email", email},
                      {"phone", g.phone(l)}, {"mobile", g.r.chance(0.6) ? g.phone(l) : std::string()},
                      {"street", g.address_street(l)}, {"city", city.name}, {"postcode", g.fill(city.postcode)}, {"region", city.region},
                      {"country", l.country}, {"gender", p.female ? "female" : "male"}, {"language", l.language}, {"timezone", l.timezone},
                      {"birth_date", format_date(g.now - (22 * 365 + (int64_t)g.r.below(43 * 365)) * kDay)},
                      {"preferred_channel", channels[g.r.below(std::size(channels))]}, {"email_format", g.r.chance(0.85) ? "html" : "text"},
                      {"do_not_call", dnc}, {"opt_out_offers", g.r.chance(0.12)}, {"opt_out_newsletter", g.r.chance(0.18)},
                      {"opt_out_product_news", g.r.chance(0.08)}, {"opt_out_events", g.r.chance(0.1)}, {"opt_out_surveys", g.r.chance(0.2)},
                      {"opt_out_partners", g.r.chance(0.3)}, {"lead_source", g.r.pick(kLeadSources)}, {"owner_id", acc.owner}};
            if (g.r.chance(0.15)) cf.push_back({"notes", "Prefers " + std::string(g.r.chance(0.5) ? "morning calls" : "short e-mails") + "; met at " + (g.campaigns.empty() ? std::string("a trade show") : std::string("the ") + "customer roadshow") + "."});
            c.id = g.create(kContacts, c.created, cf, "contacts");
            acc.contacts.push_back(g.contacts.size());
            g.contacts.push_back(c);
            g.sum.contacts++;
        }
        g.accounts.push_back(std::move(acc));
    }
}

const char* stage_after(const std::string& s) {
    if (s == "qualify") return "develop";
    if (s == "develop") return "propose";
    return nullptr;
}

// Opportunities move through the stages over weeks; older ones are closed.
std::string make_opportunity(Gen& g, AccountInfo& acc, int64_t opened, const std::string& contact, const std::string& lead,
                             const std::string& campaign) {
    const ProductInfo& p = g.r.pick(g.products);
    int64_t qty = acc.tier == "Gold" ? 10 + (int64_t)g.r.below(90) : acc.tier == "Silver" ? 3 + (int64_t)g.r.below(25) : 1 + (int64_t)g.r.below(6);
    int64_t amount = p.price * qty;
    int64_t cycle = (20 + (int64_t)g.r.below(120)) * kDay;   // sales cycle
    int64_t close = opened + cycle;
    std::string name = std::string(kCatalogue[&p - g.products.data()].name) + " x" + std::to_string(qty);
    Fields f{{"name", name}, {"account_id", acc.id}, {"amount", amount}, {"stage", "qualify"}, {"owner_id", acc.owner},
             {"expected_close", format_date(close)}};
    if (!contact.empty()) f.push_back({"contact_id", contact});
    if (!lead.empty()) f.push_back({"lead_id", lead});
    if (!campaign.empty()) f.push_back({"campaign_id", campaign});
    std::string id = g.create(kOpportunities, opened, f, "opportunities");
    g.sum.opportunities++;
    // Walk the stages while time allows.
    std::string stage = "qualify";
    int64_t t = opened;
    while (const char* next = stage_after(stage)) {
        t += cycle / 4 + (int64_t)g.r.below((uint64_t)cycle / 4 + 1);
        if (t >= g.now || g.r.chance(0.12)) break;
        stage = next;
        g.update(kOpportunities, t, id, {{"stage", stage}});
    }
    if (close < g.now && t < g.now) {
        bool won = stage == "propose" ? g.r.chance(0.55) : g.r.chance(0.2);
        int64_t when = std::min(g.now - kHour, std::max(t + kDay, close - 5 * kDay + (int64_t)g.r.below(10) * kDay));
        if (won) g.update(kOpportunities, when, id, {{"stage", "won"}});
        else g.update(kOpportunities, when, id, {{"stage", "lost"}, {"lost_reason", kLostReasons[g.r.below(std::size(kLostReasons))]}});
        if (won) {
            // A won deal becomes an order.
            std::string order = g.create(kOrders, when, {{"account_id", acc.id}, {"opportunity_id", id}, {"ordered_at", format_datetime(when)},
                                                         {"status", when < g.now - 20 * kDay ? "delivered" : "processing"}, {"owner_id", acc.owner},
                                                         {"delivered_at", when < g.now - 20 * kDay ? format_datetime(when + 7 * kDay) : std::string()}}, "orders");
            g.sim = when;
            g.s.create(kOrderLines, {{"order_id", order}, {"product_id", p.id}, {"quantity", qty}, {"unit_price", p.price}});
            g.sum.orders++;
            g.sum.order_lines++;
        }
    }
    return id;
}

Steps make_leads_and_opportunities(Gen& g) {
    int64_t n_leads = g.opt.contacts * 3 / 10;
    int64_t n_opps = g.opt.contacts / 4;
    const auto& ls = locales();
    // Converted leads: a third of the accounts came in as a lead.
    int64_t converted = 0;
    for (AccountInfo& acc : g.accounts) {
        co_await g.slice();
        if (converted >= n_leads / 4 || !g.r.chance(0.33) || acc.contacts.empty()) continue;
        const ContactInfo& first = g.contacts[acc.contacts[0]];
        auto c = g.s.must_get(kContacts, first.id);
        int64_t captured = std::max(g.start, acc.created - (3 + (int64_t)g.r.below(40)) * kDay);
        const CampaignInfo* camp = campaign_at(g, captured);
        const Locale& l = ls[acc.locale];
        Fields lf{{"first_name", c.text("first_name")}, {"last_name", c.text("last_name")}, {"company", g.s.must_get(kAccounts, acc.id).text("name")},
                  {"email", c.text("email")}, {"phone", c.text("phone")}, {"country", l.country}, {"city", c.text("city")},
                  {"source", camp ? "web_form" : g.r.pick(kLeadSources)}, {"status", "assigned"}, {"owner_id", acc.owner},
                  {"score", int64_t(40 + g.r.below(60))}, {"line_of_business", g.r.chance(0.5) ? "Hardware" : "Software & services"}};
        if (camp) lf.push_back({"campaign_id", camp->id});
        std::string lead = g.create(kLeads, captured, lf, "leads");
        g.update(kLeads, acc.created - kHour, lead, {{"status", "qualified"}});
        std::string opp = make_opportunity(g, acc, acc.created, first.id, lead, camp ? camp->id : "");
        g.update(kLeads, acc.created, lead, {{"status", "converted"}, {"converted_at", format_datetime(acc.created)},
                                            {"converted_account_id", acc.id}, {"converted_contact_id", first.id},
                                            {"converted_opportunity_id", opp}});
        converted++;
        g.sum.leads++;
    }
    // Other leads: new, assigned, qualified or disqualified by age.
    for (int64_t i = converted; i < n_leads; i++) {
        co_await g.slice();
        size_t li = g.pick_locale();
        const Locale& l = ls[li];
        Person p = person(g, l);
        int64_t captured = g.grown_time(g.start, g.now - kHour);
        const CampaignInfo* camp = g.r.chance(0.6) ? campaign_at(g, captured) : nullptr;
        const City& city = g.r.pick(l.cities);
        std::string company = g.r.pick(l.company_words);
        company = company + " " + g.r.pick(l.suffixes);
        std::string domain = ascii_fold(p.last_latin) + ascii_fold(company) + "." + l.tld;
        if (domain[0] == '.') domain = "lead" + std::to_string(i) + domain;
        int64_t age_days = (g.now - captured) / kDay;
        // Recent leads are new; a few older ones never got an answer.
        const char* status = age_days < 7 || g.r.chance(0.04) ? "new" : age_days < 20 ? (g.r.chance(0.5) ? "assigned" : "qualified")
                                                  : (g.r.chance(0.7) ? "disqualified" : g.r.chance(0.5) ? "qualified" : "assigned");
        Fields lf{{"first_name", p.first}, {"last_name", p.last}, {"company", company}, {"email", mailbox(p.first_latin, p.last_latin, 0) + "@" + domain},
                  {"phone", g.phone(l)}, {"country", l.country}, {"city", city.name}, {"job_title", kJobTitles[g.r.below(std::size(kJobTitles))]},
                  {"industry", kIndustries[g.r.below(std::size(kIndustries))]},
                  {"source", camp ? (camp->type == "webinar" ? "webinar" : camp->type == "trade_show" ? "trade_show" : "web_form") : g.r.pick(kLeadSources)},
                  {"score", int64_t(g.r.below(100))}, {"line_of_business", g.r.chance(0.5) ? "Hardware" : "Software & services"}};
        if (camp) lf.push_back({"campaign_id", camp->id});
        std::string lead = g.create(kLeads, captured, lf, "leads");
        g.sum.leads++;
        if (std::string(status) != "new") {
            g.update(kLeads, captured + 2 * kHour, lead, {{"status", "assigned"}, {"owner_id", g.r.pick(g.sales_reps)}});
            if (std::string(status) == "qualified") g.update(kLeads, captured + 3 * kDay, lead, {{"status", "qualified"}});
            if (std::string(status) == "disqualified")
                g.update(kLeads, captured + 5 * kDay, lead, {{"status", "disqualified"}, {"disqualify_reason", kDisqualifyReasons[g.r.below(std::size(kDisqualifyReasons))]}});
        }
    }
    // Further opportunities on existing accounts (upsell, renewals).
    int64_t have = g.sum.opportunities;
    for (int64_t i = have; i < n_opps && !g.accounts.empty(); i++) {
        co_await g.slice();
        AccountInfo& acc = g.accounts[(size_t)g.r.below(g.accounts.size())];
        int64_t opened = g.grown_time(acc.created, g.now - kDay);
        const ContactInfo& c = g.contacts[acc.contacts[(size_t)g.r.below(acc.contacts.size())]];
        const CampaignInfo* camp = g.r.chance(0.3) ? campaign_at(g, opened) : nullptr;
        make_opportunity(g, acc, opened, c.id, "", camp ? camp->id : "");
    }
}

Steps make_orders(Gen& g) {
    // Repeat purchases by customer accounts, until about one order per contact.
    int64_t target = g.opt.contacts;
    std::vector<size_t> customers;
    for (size_t i = 0; i < g.accounts.size(); i++)
        if (g.accounts[i].customer) customers.push_back(i);
    if (customers.empty()) co_return;
    const char* late_status[] = {"placed", "processing", "shipped"};
    while (g.sum.orders < target) {
        co_await g.slice();
        AccountInfo& acc = g.accounts[customers[(size_t)g.r.below(customers.size())]];
        int64_t when = g.work_time(acc.created, g.now - kHour);
        const ContactInfo& c = g.contacts[acc.contacts[(size_t)g.r.below(acc.contacts.size())]];
        bool old = when < g.now - 14 * kDay;
        const char* status = old ? (g.r.chance(0.03) ? "cancelled" : g.r.chance(0.02) ? "returned" : "delivered") : late_status[g.r.below(3)];
        Fields f{{"account_id", acc.id}, {"contact_id", c.id}, {"ordered_at", format_datetime(when)}, {"status", status}, {"owner_id", acc.owner}};
        if (std::string(status) == "delivered") f.push_back({"delivered_at", format_datetime(when + (2 + (int64_t)g.r.below(8)) * kDay)});
        // Lines first in memory, then the order with its total, then the lines:
        // the total is already right, so the lines do not rewrite it.
        int64_t nlines = 1 + (int64_t)g.r.below(3);
        std::vector<std::tuple<size_t, int64_t, int64_t>> lines;
        int64_t total = 0;
        auto add_line = [&](size_t pi) {
            for (auto& l : lines)
                if (std::get<0>(l) == pi) return;
            int64_t qty = 1 + (int64_t)g.r.below(acc.tier == "Gold" ? 20 : 5);
            int64_t disc = g.r.chance(0.3) ? 5 * (int64_t)g.r.below(4) : 0;
            lines.push_back({pi, qty, disc});
            total += (qty * g.products[pi].price * (100 - disc) + 50) / 100;
        };
        for (int64_t k = 0; k < nlines; k++) {
            size_t pi = (size_t)g.r.below(g.products.size());
            add_line(pi);
            // What is bought together (a printer and its toner), so cross-sell rules have something to find.
            for (const auto& [a, b] : kBoughtTogether)
                if (a == pi && g.r.chance(0.55)) add_line(b);
        }
        f.push_back({"total", total});
        std::string order = g.create(kOrders, when, f, "orders");
        g.sum.orders++;
        for (auto& [pi, qty, disc] : lines) {
            g.sim = when;
            g.s.create(kOrderLines, {{"order_id", order}, {"product_id", g.products[pi].id}, {"quantity", qty},
                                     {"unit_price", g.products[pi].price}, {"discount_pct", disc}});
            g.sum.order_lines++;
        }
    }
}

Steps make_cases(Gen& g) {
    int64_t n = g.opt.contacts / 5;
    const char* priorities[] = {"low", "normal", "normal", "normal", "high", "urgent"};
    const char* origins[] = {"phone", "phone", "email", "email", "web", "chat", "social"};
    for (int64_t i = 0; i < n && !g.accounts.empty(); i++) {
        co_await g.slice();
        AccountInfo& acc = g.accounts[(size_t)g.r.below(g.accounts.size())];
        const ContactInfo& c = g.contacts[acc.contacts[(size_t)g.r.below(acc.contacts.size())]];
        int64_t opened = g.work_time(std::max(c.created, g.start), g.now - 10 * kMinute);
        size_t si = (size_t)g.r.below(std::size(kCaseSubjects));
        std::string type = kCaseTypes[si];
        std::string priority = priorities[g.r.below(std::size(priorities))];
        SlaTarget sla = default_sla_target(acc.tier, priority);
        std::string queue = acc.tier == "Gold" ? g.queues[3] : type == "question" || type == "request" ? g.queues[0] : g.queues[1];
        std::string owner = g.r.pick(g.service_reps_l1);
        std::string origin = origins[g.r.below(std::size(origins))];
        Fields f{{"subject", kCaseSubjects[si]}, {"type", type}, {"priority", priority}, {"origin", origin},
                 {"queue_id", queue}, {"account_id", acc.id}, {"contact_id", c.id}, {"owner_id", owner}, {"tier", acc.tier},
                 {"status", "new"}, {"product_id", g.r.pick(g.products).id},
                 {"description", "Customer reported: " + std::string(kCaseSubjects[si]) + "."},
                 {"response_due_at", format_datetime(opened + sla.response_minutes * kMinute)},
                 {"resolution_due_at", format_datetime(opened + sla.resolution_minutes * kMinute)}};
        std::string id = g.create(kCases, opened, f, "cases");
        g.sum.cases++;
        g.sim = opened;
        g.s.create(kActivities, {{"type", "note"}, {"subject", "Case created"}, {"body", "Case: Created by the service desk"}, {"occurred_at", format_datetime(opened)},
                                 {"case_id", id}, {"contact_id", c.id}, {"account_id", acc.id}, {"owner_id", owner}});
        g.sum.activities++;
        // Response: most within target, some late (a breach).
        bool breach_response = g.r.chance(0.12);
        int64_t resp = opened + (breach_response ? sla.response_minutes + 1 + (int64_t)g.r.below((uint64_t)sla.response_minutes * 2 + 1)
                                                 : 1 + (int64_t)g.r.below((uint64_t)sla.response_minutes)) * kMinute;
        if (resp >= g.now) continue;  // still waiting for a first response
        g.update(kCases, resp, id, {{"status", "in_progress"}, {"first_response_at", format_datetime(resp)}});
        g.sim = resp;
        g.s.create(kActivities, {{"type", origin == "email" ? "email" : "call"}, {"direction", "outbound"},
                                 {"subject", "First response"}, {"occurred_at", format_datetime(resp)}, {"duration_s", int64_t(60 + g.r.below(600))},
                                 {"case_id", id}, {"contact_id", c.id}, {"account_id", acc.id}, {"owner_id", owner}, {"outcome", "connected"}});
        g.sum.activities++;
        // Some escalate to the second line.
        int64_t t = resp;
        if (type == "problem" && g.r.chance(0.15) && !g.service_reps_l2.empty()) {
            t += (int64_t)(1 + g.r.below(8)) * kHour;
            if (t >= g.now) continue;
            g.update(kCases, t, id, {{"status", "escalated"}, {"line", int64_t(2)}, {"queue_id", g.queues[2]}, {"owner_id", g.r.pick(g.service_reps_l2)}});
        }
        bool breach_resolution = g.r.chance(0.15);
        int64_t res = opened + (breach_resolution ? sla.resolution_minutes + 1 + (int64_t)g.r.below((uint64_t)sla.resolution_minutes + 1)
                                                  : (int64_t)g.r.below((uint64_t)sla.resolution_minutes)) * kMinute;
        res = std::max(res, t + 10 * kMinute);
        if (res >= g.now) continue;  // still open
        // About a third need another call before they are solved (the rest are first-contact resolutions).
        if (g.r.chance(0.35)) {
            g.sim = (t + res) / 2;
            g.s.create(kActivities, {{"type", "call"}, {"direction", "outbound"}, {"channel", "phone"}, {"subject", "Follow-up"},
                                     {"occurred_at", format_datetime(g.sim)}, {"duration_s", int64_t(120 + g.r.below(900))},
                                     {"case_id", id}, {"contact_id", c.id}, {"account_id", acc.id}, {"owner_id", owner}, {"outcome", "connected"}});
            g.sum.activities++;
        }
        g.update(kCases, res, id, {{"status", "resolved"}, {"resolved_at", format_datetime(res)}, {"resolution", "Fixed and confirmed with the customer."},
                                   {"satisfaction", int64_t(breach_resolution ? 1 + g.r.below(3) : 3 + g.r.below(3))}});
        // A few are reopened and go back to their first owner.
        if (g.r.chance(0.05) && res + 3 * kDay < g.now) {
            g.update(kCases, res + 2 * kDay, id, {{"status", "reopened"}, {"owner_id", owner}, {"line", int64_t(1)}, {"resolved_at", ""}});
            int64_t res2 = res + (3 + (int64_t)g.r.below(5)) * kDay;
            if (res2 < g.now) g.update(kCases, res2, id, {{"status", "resolved"}, {"resolved_at", format_datetime(res2)}});
        }
    }
}

Steps make_activities_and_tasks(Gen& g) {
    int64_t target = g.opt.contacts * 5;
    const char* types[] = {"call", "call", "call", "email", "email", "email", "meeting", "note", "chat", "visit", "web_form", "sms"};
    const char* channel_of[] = {"phone", "phone", "phone", "email", "email", "email", "in_person", "", "chat", "in_person", "web", "sms"};
    const char* subjects[] = {"Follow-up on proposal", "Quarterly check-in", "Pricing question", "Renewal discussion", "Product demo",
                              "Delivery update", "Introduction", "Contract review", "Support follow-up", "Newsletter reply"};
    while (g.sum.activities < target && !g.contacts.empty()) {
        co_await g.slice();
        const ContactInfo& c = g.contacts[(size_t)g.r.below(g.contacts.size())];
        const AccountInfo& acc = g.accounts[c.account];
        size_t ti = (size_t)g.r.below(std::size(types));
        std::string type = types[ti];
        int64_t when = g.work_time(c.created, g.now - kMinute);
        Fields f{{"type", type}, {"subject", subjects[g.r.below(std::size(subjects))]}, {"occurred_at", format_datetime(when)},
                 {"contact_id", c.id}, {"account_id", acc.id}, {"owner_id", acc.owner}};
        if (*channel_of[ti]) f.push_back({"channel", channel_of[ti]});
        if (type == "call") {
            f.push_back({"direction", g.r.chance(0.6) ? "outbound" : "inbound"});
            const char* outcome = kCallOutcomes[g.r.below(std::size(kCallOutcomes))];
            f.push_back({"outcome", outcome});
            f.push_back({"duration_s", int64_t(strcmp(outcome, "connected") == 0 ? 60 + g.r.below(1500) : g.r.below(40))});
        } else if (type == "meeting" || type == "visit") {
            f.push_back({"duration_s", int64_t((30 + g.r.below(90)) * 60)});
            f.push_back({"direction", "outbound"});
        } else if (type == "email" || type == "sms" || type == "chat") {
            f.push_back({"direction", g.r.chance(0.5) ? "outbound" : "inbound"});
        } else if (type == "web_form") {
            f.push_back({"direction", "inbound"});
            if (const CampaignInfo* camp = campaign_at(g, when)) f.push_back({"campaign_id", camp->id});
        } else {
            f.push_back({"direction", "internal"});
            f.push_back({"body", "Enter a note: customer mentioned plans to expand next quarter."});
        }
        g.create(kActivities, when, f, "activities");
        g.sum.activities++;
    }
    // Tasks: follow-ups; old ones done, recent ones open (some overdue, some due today, some upcoming).
    int64_t n_tasks = g.opt.contacts * 3 / 10;
    const char* titles[] = {"Follow up after a week", "Send proposal", "Call back about pricing", "Prepare renewal offer",
                            "Check delivery status", "Schedule demo", "Send case study", "Check-in call"};
    for (int64_t i = 0; i < n_tasks; i++) {
        co_await g.slice();
        const ContactInfo& c = g.contacts[(size_t)g.r.below(g.contacts.size())];
        const AccountInfo& acc = g.accounts[c.account];
        int64_t created = g.grown_time(c.created, g.now - kHour);
        int64_t due = created + (1 + (int64_t)g.r.below(14)) * kDay;
        due = due / kHour * kHour;
        bool done = due < g.now - 2 * kDay ? g.r.chance(0.93) : false;
        Fields f{{"title", titles[g.r.below(std::size(titles))]}, {"due_at", format_datetime(due)}, {"remind_at", format_datetime(due - 30 * kMinute)},
                 {"priority", g.r.chance(0.2) ? "high" : "normal"}, {"owner_id", acc.owner}, {"contact_id", c.id}, {"account_id", acc.id}};
        std::string id = g.create(kTasks, created, f, "tasks");
        if (done) g.update(kTasks, std::clamp(due - (int64_t)g.r.below(kDay), created + kMinute, g.now - kMinute), id, {{"done", true}});
        g.sum.tasks++;
    }
}

Steps make_tags(Gen& g) {
    const char* defs[][2] = {{"Website lead", "source"}, {"repeat customer", "status"}, {"vendor", "relationship"}, {"partner", "relationship"},
                             {"hot lead", "scoring"}, {"long-term nurture", "scoring"}, {"VIP", "status"}, {"at risk", "status"},
                             {"newsletter", "marketing"}, {"event attendee", "marketing"}};
    for (auto& d : defs) {
        g.tags.push_back(g.create(kTags, g.start, {{"name", d[0]}, {"category", d[1]}}, "tags"));
        g.sum.tags++;
    }
    // Tag about a tenth of the contacts and accounts.
    for (size_t i = 0; i < g.contacts.size(); i += 10 + (size_t)g.r.below(3)) {
        co_await g.slice();
        g.sim = g.contacts[i].created;
        g.s.create(kRecordTags, {{"tag_id", g.tags[(size_t)g.r.below(g.tags.size())]}, {"entity", "contacts"}, {"record_id", g.contacts[i].id}});
    }
    for (size_t i = 0; i < g.accounts.size(); i += 8 + (size_t)g.r.below(3)) {
        co_await g.slice();
        g.sim = g.accounts[i].created;
        g.s.create(kRecordTags, {{"tag_id", g.tags[(size_t)g.r.below(g.tags.size())]}, {"entity", "accounts"}, {"record_id", g.accounts[i].id}});
    }
}

// Last: the search index's segments merged into one, a slice at a time (a
// list searched for a short prefix reads its whole doclist: one segment to read).
Steps merge_search(Gen& g) {
    g.phase_now = "search index";
    index_queued_search(g.s.db());
    while (!merge_search_index(g.s.db(), 256)) co_await coro::suspend_always{};
}

}  // namespace

//-----------------------------------------------------------------------------
// DemoRun
//-----------------------------------------------------------------------------

struct DemoRun::Impl {
    Store& store;
    DemoOptions opt;
    Gen g;
    std::function<int64_t()> saved_clock;
    std::optional<Transaction> tx;
    std::vector<Steps (*)(Gen&)> phases;
    size_t next_phase = 0;
    std::optional<Steps> current;
    bool finished = false;

    Impl(Store& s, DemoOptions o) : store(s), opt(std::move(o)), g(s, opt) {}
    void restore() {
        store.set_clock(saved_clock);
        store.seed_ids_randomly();
    }
};

DemoRun::DemoRun(Store& store, DemoOptions opt) : impl_(std::make_unique<Impl>(store, std::move(opt))) {
    Impl& m = *impl_;
    if (m.opt.contacts < 1) throw std::invalid_argument("demo data needs at least one contact");
    Gen& g = m.g;
    g.now = m.opt.now_ms ? m.opt.now_ms : wall_clock_ms();
    g.start = g.now - 3 * 365 * kDay;
    // Roughly what will be written (records, not counting updates), for progress.
    g.planned = m.opt.contacts * 83 / 10 + 200;
    m.saved_clock = store.clock();
    store.set_clock([&g] { return g.sim; });
    store.seed_ids(m.opt.seed);
    try {
        m.tx.emplace(store.db());
        BulkWrite bulk(store.db());   // all or nothing: any error rolls the whole run back
        // The small reference phases run at once; the big ones a slice at a time.
        make_users(g);
        make_workflow_setup(g);
        make_catalogue(g);
        make_campaigns(g);
    } catch (...) {
        m.tx.reset();
        m.restore();
        throw;
    }
    m.phases = {make_accounts_and_contacts, make_leads_and_opportunities, make_orders, make_cases, make_activities_and_tasks, make_tags, merge_search};
}

DemoRun::~DemoRun() {
    if (!impl_->finished) {
        impl_->current.reset();
        impl_->tx.reset();  // rolls back
        impl_->restore();
    }
}

bool DemoRun::step(double budget_ms) {
    Impl& m = *impl_;
    if (m.finished) return true;
    auto t0 = std::chrono::steady_clock::now();
    try {
        BulkWrite bulk(m.store.db());   // all or nothing: any error rolls the whole run back
        for (;;) {
            if (!m.current) {
                if (m.next_phase == m.phases.size()) {
                    m.tx->commit();
                    m.tx.reset();
                    m.finished = true;
                    m.restore();
                    if (m.opt.progress) m.opt.progress(1.0, "done");
                    m.g.phase_now = "done";
                    return true;
                }
                m.current.emplace(m.phases[m.next_phase++](m.g));
            }
            if (m.current->resume()) m.current.reset();
            if (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() >= budget_ms) {
                index_queued_search(m.store.db());   // a slice's worth: one short FTS5 segment
                return false;
            }
        }
    } catch (...) {
        m.current.reset();
        m.tx.reset();
        m.restore();
        m.finished = true;  // nothing written; the run is over
        throw;
    }
}

double DemoRun::fraction() const {
    if (impl_->finished) return 1.0;
    return std::min(0.999, (double)impl_->g.done / (double)impl_->g.planned);
}
const char* DemoRun::phase() const { return impl_->g.phase_now; }
const DemoSummary& DemoRun::summary() const { return impl_->g.sum; }

DemoSummary generate_demo(Store& store, const DemoOptions& opt) {
    DemoRun run(store, opt);
    while (!run.step(1e12)) {}
    return run.summary();
}

std::string content_digest(Database& db) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    auto mix = [&h](std::string_view s) {
        for (unsigned char c : s) { h ^= c; h *= 1099511628211ull; }
        h ^= 0xFF; h *= 1099511628211ull;
    };
    for (const EntitySpec* e : all_entities()) {
        Statement st = db.prepare("SELECT " + column_list(*e) + " FROM " + e->table + " ORDER BY id");
        while (st.step())
            for (int i = 0; i < st.column_count(); i++) mix(value_to_text(st.column_value(i)));
    }
    Statement log = db.prepare("SELECT entity, crm_id_text(record_id), field, value, at FROM change_log ORDER BY seq");
    while (log.step())
        for (int i = 0; i < 5; i++) mix(value_to_text(log.column_value(i)));
    char buf[20];
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
    return buf;
}

}  // namespace crm
