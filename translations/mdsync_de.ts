<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Age</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n d</source>
        <translation>
            <numerusform>%n d</numerusform>
            <numerusform>%n d</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeliveryStatus</name>
    <message>
        <source>acked</source>
        <translation>bestätigt</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>wird gesendet</translation>
    </message>
    <message>
        <source>held by dependency</source>
        <translation>wartet auf Abhängigkeit</translation>
    </message>
    <message>
        <source>retrying</source>
        <translation>wird wiederholt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>überholt</translation>
    </message>
    <message>
        <source>discarded</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>not subscribed</source>
        <translation>nicht abonniert</translation>
    </message>
    <message>
        <source>waiting: target down</source>
        <translation>wartet: Zielsystem ausgefallen</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>mittel</translation>
    </message>
    <message>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>MDSync Control Tower</source>
        <translation>MDSync Control Tower</translation>
    </message>
    <message>
        <source>Run the live demo (simulated systems and traffic) in a fresh demo workspace.</source>
        <translation>Die Live-Demo (simulierte Systeme und Datenverkehr) in einem neuen Demo-Arbeitsbereich starten.</translation>
    </message>
    <message>
        <source>The workspace file to open (or, with --demo, to create).</source>
        <translation>Die zu öffnende Arbeitsbereichsdatei (mit --demo: die anzulegende).</translation>
    </message>
    <message>
        <source>Render the view to this PNG file and quit.</source>
        <translation>Die Ansicht in diese PNG-Datei rendern und beenden.</translation>
    </message>
    <message>
        <source>Seconds of live traffic before the screenshot (default 8 with --demo).</source>
        <translation>Sekunden Live-Verkehr vor dem Bildschirmfoto (Standard mit --demo: 8).</translation>
    </message>
    <message>
        <source>Seed of the demo traffic.</source>
        <translation>Startwert (Seed) des Demo-Verkehrs.</translation>
    </message>
    <message>
        <source>The workspace to open.</source>
        <translation>Der zu öffnende Arbeitsbereich.</translation>
    </message>
    <message>
        <source>The user interface language (en, de, fr); default: the saved choice, else the system&apos;s.</source>
        <translation>Die Sprache der Oberfläche (en, de, fr); Standard: die gespeicherte Auswahl, sonst die des Systems.</translation>
    </message>
    <message>
        <source>The view to show: dashboard, matrix, lineage, exceptions, policies, audit, alerts, or all (with --screenshot: one file per view); welcome is the first-run page.</source>
        <translation>Die anzuzeigende Ansicht: dashboard, matrix, lineage, exceptions, policies, audit, alerts oder all (mit --screenshot: eine Datei je Ansicht); welcome ist die Startseite beim ersten Aufruf.</translation>
    </message>
    <message>
        <source>Run the webhook (POST /events) of the opened workspace on this loopback port, like mdsyncctl run --listen; the token comes from the environment variable MDSYNC_WEBHOOK_TOKEN.</source>
        <translation>Den Webhook (POST /events) des geöffneten Arbeitsbereichs auf diesem Loopback-Port betreiben, wie mdsyncctl run --listen; das Token kommt aus der Umgebungsvariablen MDSYNC_WEBHOOK_TOKEN.</translation>
    </message>
    <message>
        <source>Watch this folder for change-event files for the opened workspace, like mdsyncctl run --inbox.</source>
        <translation>Diesen Ordner auf Dateien mit Änderungsereignissen für den geöffneten Arbeitsbereich überwachen, wie mdsyncctl run --inbox.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::AlertsView</name>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>quittiert</translation>
    </message>
    <message>
        <source>cleared</source>
        <translation>aufgehoben</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Quittiert</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>Aufgehoben</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Object or target</source>
        <translation>Objekt oder Zielsystem</translation>
    </message>
    <message>
        <source>Fired</source>
        <translation>Ausgelöst</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt aufgetreten</translation>
    </message>
    <message>
        <source>Acknowledged by</source>
        <translation>Quittiert von</translation>
    </message>
    <message>
        <source>Show object</source>
        <translation>Objekt anzeigen</translation>
    </message>
    <message>
        <source>The lineage of the object the alert names</source>
        <translation>Die Herkunft des Objekts, das der Alarm nennt</translation>
    </message>
    <message>
        <source>Show exceptions</source>
        <translation>Ausnahmen anzeigen</translation>
    </message>
    <message>
        <source>The exception backlog filtered to the alert&apos;s domain, target and object</source>
        <translation>Der Ausnahme-Rückstand, gefiltert nach Domäne, Zielsystem und Objekt des Alarms</translation>
    </message>
    <message>
        <source>Show in matrix</source>
        <translation>In der Matrix anzeigen</translation>
    </message>
    <message>
        <source>The propagation matrix filtered to the alert&apos;s domain and target</source>
        <translation>Die Verteilungsmatrix, gefiltert nach Domäne und Zielsystem des Alarms</translation>
    </message>
    <message>
        <source>Acknowledge…</source>
        <translation>Quittieren…</translation>
    </message>
    <message>
        <source>Raw details</source>
        <translation>Rohdetails</translation>
    </message>
    <message>
        <source>Show the alert&apos;s details as stored (JSON)</source>
        <translation>Die Details des Alarms wie gespeichert anzeigen (JSON)</translation>
    </message>
    <message>
        <source>Select an alert to see why it fired.</source>
        <translation>Einen Alarm auswählen, um zu sehen, warum er ausgelöst wurde.</translation>
    </message>
    <message>
        <source>Cannot read the alerts: %1</source>
        <translation>Die Alarme können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Open (%1)</source>
        <translation>Offen (%1)</translation>
    </message>
    <message>
        <source>Acknowledged (%1)</source>
        <translation>Quittiert (%1)</translation>
    </message>
    <message>
        <source>Cleared (%1)</source>
        <translation>Aufgehoben (%1)</translation>
    </message>
    <message>
        <source>All (%1)</source>
        <translation>Alle (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) shown, newest first</source>
        <translation>
            <numerusform>%n Alarm angezeigt, neueste zuerst</numerusform>
            <numerusform>%n Alarme angezeigt, neueste zuerst</numerusform>
        </translation>
    </message>
    <message>
        <source>Object: %1</source>
        <translation>Objekt: %1</translation>
    </message>
    <message>
        <source>Revision %1, from %2 (by %3, received %4)</source>
        <translation>Revision %1, von %2 (durch %3, empfangen am %4)</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <translation>%1: %2 → %3</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Changes:&lt;ul&gt;&lt;li&gt;%1&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>Änderungen:&lt;ul&gt;&lt;li&gt;%1&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
    <message>
        <source>%1 (%2 %3)</source>
        <translation>%1 (%2 %3)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>While the referenced objects are:&lt;ul&gt;&lt;li&gt;%1&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>Während für die referenzierten Objekte gilt:&lt;ul&gt;&lt;li&gt;%1&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
    <message>
        <source>%1 revision(s) of %2 not acknowledged by %3 within the SLA of %4 min; the oldest received %5</source>
        <translation>%1 Revision(en) von %2 nicht innerhalb der SLA von %4 min von %3 bestätigt; die älteste wurde am %5 empfangen</translation>
    </message>
    <message>
        <source>For example: %1</source>
        <translation>Zum Beispiel: %1</translation>
    </message>
    <message>
        <source>%1 open exceptions for %2 (more than %3)</source>
        <translation>%1 offene Ausnahmen für %2 (mehr als %3)</translation>
    </message>
    <message>
        <source>%1 is down since %2 (%3 min, the rule allows %4 min); %5 deliveries wait</source>
        <translation>%1 ist seit %2 ausgefallen (%3 min, die Regel erlaubt %4 min); %5 Zustellungen warten</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>Fired %1, last seen %2</source>
        <translation>Ausgelöst am %1, zuletzt aufgetreten am %2</translation>
    </message>
    <message>
        <source>Acknowledged by %1 at %2</source>
        <translation>Quittiert von %1 am %2</translation>
    </message>
    <message>
        <source>Cleared at %1</source>
        <translation>Aufgehoben am %1</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Notifications&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Benachrichtigungen&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>✔ sent</source>
        <translation>✔ gesendet</translation>
    </message>
    <message>
        <source>✘ failed</source>
        <translation>✘ fehlgeschlagen</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;small&gt;No notification was sent for this alert.&lt;/small&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;small&gt;Für diesen Alarm wurde keine Benachrichtigung gesendet.&lt;/small&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Only stewards, approvers and admins can acknowledge alerts</source>
        <translation>Nur Stewards, Freigeber und Admins können Alarme quittieren</translation>
    </message>
    <message>
        <source>Only open alerts can be acknowledged</source>
        <translation>Nur offene Alarme können quittiert werden</translation>
    </message>
    <message>
        <source>Acknowledge the alert, with an optional note (recorded in the audit log)</source>
        <translation>Den Alarm quittieren, mit einer optionalen Notiz (im Prüfprotokoll festgehalten)</translation>
    </message>
    <message>
        <source>Acknowledge alert #%1</source>
        <translation>Alarm #%1 quittieren</translation>
    </message>
    <message>
        <source>%1

Note (optional, recorded in the audit log):</source>
        <translation>%1

Notiz (optional, im Prüfprotokoll festgehalten):</translation>
    </message>
    <message>
        <source>Cannot acknowledge alert #%1: %2</source>
        <translation>Alarm #%1 kann nicht quittiert werden: %2</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::AuditLogModel</name>
    <message>
        <source>Seq</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>Zeit (UTC)</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Begründung</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::AuditView</name>
    <message>
        <source>Actor:</source>
        <translation>Akteur:</translation>
    </message>
    <message>
        <source>login or system</source>
        <translation>Login oder System</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>Aktion:</translation>
    </message>
    <message>
        <source>e.g. correction</source>
        <translation>z. B. correction</translation>
    </message>
    <message>
        <source>Object:</source>
        <translation>Objekt:</translation>
    </message>
    <message>
        <source>e.g. item/FG-1000</source>
        <translation>z. B. item/FG-1000</translation>
    </message>
    <message>
        <source>from</source>
        <translation>von</translation>
    </message>
    <message>
        <source>until</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Kette prüfen</translation>
    </message>
    <message>
        <source>Recompute every entry&apos;s SHA-256 hash and check the chain and its recorded head</source>
        <translation>Den SHA-256-Hash jedes Eintrags neu berechnen und die Kette samt gespeichertem Kopf prüfen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Export the audit trail and lineage (CSV, JSON Lines, PDF) with a verifiable manifest</source>
        <translation>Prüfprotokoll und Herkunft exportieren (CSV, JSON Lines, PDF), mit prüfbarem Manifest</translation>
    </message>
    <message>
        <source>Select an entry to see what it changed.</source>
        <translation>Einen Eintrag auswählen, um seine Änderungen zu sehen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Before&lt;/b&gt;</source>
        <translation>&lt;b&gt;Vorher&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;After&lt;/b&gt;</source>
        <translation>&lt;b&gt;Nachher&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Cannot read the audit log: %1</source>
        <translation>Das Prüfprotokoll kann nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n Eintrag</numerusform>
            <numerusform>%n Einträge</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;#%1&lt;/b&gt; %2 · &lt;b&gt;%3&lt;/b&gt; by %4 on &lt;b&gt;%5&lt;/b&gt;&lt;br&gt;Reason: %6&lt;br&gt;&lt;small&gt;hash %7 · previous %8&lt;/small&gt;</source>
        <translation>&lt;b&gt;#%1&lt;/b&gt; %2 · &lt;b&gt;%3&lt;/b&gt; von %4 an &lt;b&gt;%5&lt;/b&gt;&lt;br&gt;Begründung: %6&lt;br&gt;&lt;small&gt;Hash %7 · vorheriger %8&lt;/small&gt;</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>(nothing)</source>
        <translation>(nichts)</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Cannot verify: %1</source>
        <translation>Prüfung nicht möglich: %1</translation>
    </message>
    <message numerus="yes">
        <source>✔ Chain intact: %n entries, head %1</source>
        <translation>
            <numerusform>✔ Kette intakt: %n Eintrag, Kopf %1</numerusform>
            <numerusform>✔ Kette intakt: %n Einträge, Kopf %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>✘ Chain BROKEN: %n problems</source>
        <translation>
            <numerusform>✘ Kette BESCHÄDIGT: %n Problem</numerusform>
            <numerusform>✘ Kette BESCHÄDIGT: %n Probleme</numerusform>
        </translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Prüfprotokoll</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::DashboardView</name>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <source>sending is paused</source>
        <translation>Senden ist angehalten</translation>
    </message>
    <message>
        <source>backlog waiting, no calls in the last %1 min</source>
        <translation>Rückstand wartet, keine Aufrufe in den letzten %1 min</translation>
    </message>
    <message>
        <source>no traffic in the last %1 min</source>
        <translation>kein Verkehr in den letzten %1 min</translation>
    </message>
    <message>
        <source>%1 calls, %2 retried, %3 failed and no ack in the last %4 min</source>
        <translation>%1 Aufrufe, %2 wiederholt, %3 fehlgeschlagen und keine Bestätigung in den letzten %4 min</translation>
    </message>
    <message>
        <source>retry rate %1 %, average latency %2 in the last %3 min</source>
        <translation>Wiederholungsrate %1 %, mittlere Latenz %2 in den letzten %3 min</translation>
    </message>
    <message>
        <source>%1 acks, average latency %2 in the last %3 min</source>
        <translation>%1 Bestätigungen, mittlere Latenz %2 in den letzten %3 min</translation>
    </message>
    <message>
        <source>source system (no subscriptions)</source>
        <translation>Quellsystem (keine Abonnements)</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Rückstand</translation>
    </message>
    <message>
        <source>Acked last hour</source>
        <translation>Bestätigt (letzte Stunde)</translation>
    </message>
    <message>
        <source>Retry rate (1 h)</source>
        <translation>Wiederholungsrate (1 h)</translation>
    </message>
    <message>
        <source>p95 latency (worst target, 1 h)</source>
        <translation>p95-Latenz (langsamstes Ziel, 1 h)</translation>
    </message>
    <message>
        <source>SLA breaches (1 h)</source>
        <translation>SLA-Verletzungen (1 h)</translation>
    </message>
    <message>
        <source>Mean time to repair</source>
        <translation>Mittlere Behebungszeit</translation>
    </message>
    <message>
        <source>Show the objects not delivered yet</source>
        <translation>Die noch nicht zugestellten Objekte anzeigen</translation>
    </message>
    <message>
        <source>Show acknowledged objects</source>
        <translation>Bestätigte Objekte anzeigen</translation>
    </message>
    <message>
        <source>Show objects waiting for a retry</source>
        <translation>Objekte anzeigen, die auf eine Wiederholung warten</translation>
    </message>
    <message>
        <source>Show the objects of the slowest target</source>
        <translation>Die Objekte des langsamsten Zielsystems anzeigen</translation>
    </message>
    <message>
        <source>Show the exception backlog</source>
        <translation>Den Ausnahme-Rückstand anzeigen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Systems&lt;/b&gt; (state over the last %1 minutes; click for its objects)</source>
        <translation>&lt;b&gt;Systeme&lt;/b&gt; (Zustand der letzten %1 Minuten; Klick zeigt die Objekte)</translation>
    </message>
    <message>
        <source>Throughput per target (acks per minute, last hour)</source>
        <translation>Durchsatz je Zielsystem (Bestätigungen pro Minute, letzte Stunde)</translation>
    </message>
    <message>
        <source>Latency per target (last hour)</source>
        <translation>Latenz je Zielsystem (letzte Stunde)</translation>
    </message>
    <message>
        <source>Open exceptions by age</source>
        <translation>Offene Ausnahmen nach Alter</translation>
    </message>
    <message>
        <source>SLA compliance per domain (last hour)</source>
        <translation>SLA-Einhaltung je Domäne (letzte Stunde)</translation>
    </message>
    <message>
        <source>Open exceptions: %1</source>
        <translation>Offene Ausnahmen: %1</translation>
    </message>
    <message>
        <source>Show the open exceptions of severity %1</source>
        <translation>Die offenen Ausnahmen mit Schweregrad %1 anzeigen</translation>
    </message>
    <message>
        <source>Cannot read the KPIs: %1</source>
        <translation>Die Kennzahlen können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>As of %1 (UTC) · window %2 minutes · click a tile, bar or system for the list behind it</source>
        <translation>Stand %1 (UTC) · Zeitfenster %2 Minuten · Klick auf Kachel, Balken oder System zeigt die Liste dahinter</translation>
    </message>
    <message>
        <source>deliveries not final yet</source>
        <translation>Zustellungen noch offen</translation>
    </message>
    <message>
        <source>%1 calls in the window</source>
        <translation>%1 Aufrufe im Zeitfenster</translation>
    </message>
    <message>
        <source>%1 retried of %2 calls</source>
        <translation>%1 von %2 Aufrufen wiederholt</translation>
    </message>
    <message>
        <source>no calls in the window</source>
        <translation>keine Aufrufe im Zeitfenster</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>bei %1</translation>
    </message>
    <message>
        <source>no acks in the window</source>
        <translation>keine Bestätigungen im Zeitfenster</translation>
    </message>
    <message>
        <source>Show the objects of %1</source>
        <translation>Die Objekte von %1 anzeigen</translation>
    </message>
    <message>
        <source>acks later than the subscription&apos;s SLA</source>
        <translation>Bestätigungen nach SLA-Frist</translation>
    </message>
    <message>
        <source>over %1 closed exceptions</source>
        <translation>über %1 geschlossene Ausnahmen</translation>
    </message>
    <message>
        <source>no exception closed yet</source>
        <translation>noch keine Ausnahme geschlossen</translation>
    </message>
    <message>
        <source>UTC</source>
        <translation>UTC</translation>
    </message>
    <message>
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <source>p95</source>
        <translation>p95</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>open exceptions</source>
        <translation>offene Ausnahmen</translation>
    </message>
    <message>
        <source>&lt; 1 hour</source>
        <translation>&lt; 1 Stunde</translation>
    </message>
    <message>
        <source>1 h – 1 day</source>
        <translation>1 h – 1 Tag</translation>
    </message>
    <message>
        <source>1 day – 1 week</source>
        <translation>1 Tag – 1 Woche</translation>
    </message>
    <message>
        <source>≥ 1 week</source>
        <translation>≥ 1 Woche</translation>
    </message>
    <message>
        <source>acked within SLA (%)</source>
        <translation>innerhalb der SLA bestätigt (%)</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>circuit open: %1</source>
        <translation>Circuit Breaker offen: %1</translation>
    </message>
    <message>
        <source>Target outages (%1 days)</source>
        <translation>Ausfälle von Zielsystemen (%1 Tage)</translation>
    </message>
    <message>
        <source>Show the target outage incidents</source>
        <translation>Die Ausfall-Vorfälle der Zielsysteme anzeigen</translation>
    </message>
    <message>
        <source>%1 outage min, MTTR %2</source>
        <translation>%1 Ausfall-min, MTTR %2</translation>
    </message>
    <message>
        <source>%1 down since %2 (UTC) · %3</source>
        <translation>%1 ausgefallen seit %2 (UTC) · %3</translation>
    </message>
    <message>
        <source>no target down · %1</source>
        <translation>kein Zielsystem ausgefallen · %1</translation>
    </message>
    <message numerus="yes">
        <source>%n down</source>
        <translation>
            <numerusform>%n ausgefallen</numerusform>
            <numerusform>%n ausgefallen</numerusform>
        </translation>
    </message>
    <message>
        <source>all up</source>
        <translation>alle erreichbar</translation>
    </message>
    <message>
        <source>&lt;b&gt;Initial loads&lt;/b&gt; (the current state sent to a new target)</source>
        <translation>&lt;b&gt;Erstladungen&lt;/b&gt; (der aktuelle Stand, an ein neues Zielsystem gesendet)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>#%1 %2, %3: %4 of %5 acknowledged, %6 queued, %7 open, %8 failed</source>
        <translation>#%1 %2, %3: %4 von %5 bestätigt, %6 eingereiht, %7 offen, %8 fehlgeschlagen</translation>
    </message>
    <message>
        <source>%p% acknowledged</source>
        <translation>%p % bestätigt</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionBulkResultDialog</name>
    <message>
        <source>%1 done, %2 not done.</source>
        <translation>%1 erledigt, %2 nicht erledigt.</translation>
    </message>
    <message>
        <source>Cancelled: the remaining items were left as they were.</source>
        <translation>Abgebrochen: die übrigen Einträge blieben unverändert.</translation>
    </message>
    <message>
        <source>Requeued deliveries are sent by the dispatcher in order, after their dependencies.</source>
        <translation>Erneut eingereihte Zustellungen sendet der Dispatcher der Reihe nach, nach ihren Abhängigkeiten.</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>Ausnahme</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionDetailPane</name>
    <message>
        <source>Select an exception to see what went wrong.</source>
        <translation>Eine Ausnahme auswählen, um zu sehen, was schiefging.</translation>
    </message>
    <message>
        <source>Raw payload (verbatim)</source>
        <translation>Rohe Nutzdaten (unverändert)</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>Begründung (Pflichtfeld)</translation>
    </message>
    <message>
        <source>Submit correction</source>
        <translation>Korrektur einreichen</translation>
    </message>
    <message>
        <source>The core validates the correction; nothing changes when it is refused.</source>
        <translation>Der Kern prüft die Korrektur; wird sie abgelehnt, ändert sich nichts.</translation>
    </message>
    <message>
        <source>Four-eyes approval</source>
        <translation>Freigabe (Vier-Augen-Prinzip)</translation>
    </message>
    <message>
        <source>Reason of the decision</source>
        <translation>Begründung der Entscheidung</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Correction</source>
        <translation>Korrektur</translation>
    </message>
    <message>
        <source>Dry run: what would a replay send?</source>
        <translation>Probelauf: was würde erneutes Senden übertragen?</translation>
    </message>
    <message>
        <source>Replay dry run</source>
        <translation>Probelauf</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>a correction is a JSON object: { &quot;name&quot;: value, ... }</source>
        <translation>eine Korrektur ist ein JSON-Objekt: { &quot;name&quot;: wert, ... }</translation>
    </message>
    <message>
        <source>the correction has no values</source>
        <translation>die Korrektur enthält keine Werte</translation>
    </message>
    <message>
        <source>JSON syntax error at byte %1: %2</source>
        <translation>JSON-Syntaxfehler bei Byte %1: %2</translation>
    </message>
    <message>
        <source>Type the new values as a JSON object.</source>
        <translation>Die neuen Werte als JSON-Objekt eingeben.</translation>
    </message>
    <message>
        <source>✔ valid JSON</source>
        <translation>✔ gültiges JSON</translation>
    </message>
    <message>
        <source> → %1</source>
        <translation> → %1</translation>
    </message>
    <message>
        <source>(no raw payload kept)</source>
        <translation>(keine Rohdaten gespeichert)</translation>
    </message>
    <message>
        <source>Payload correction of the failed delivery to %1: the fields of the mapped payload to change (only fields the contract marks editable). Replay the exception afterwards to send it.</source>
        <translation>Nutzdatenkorrektur der fehlgeschlagenen Zustellung an %1: die zu ändernden Felder der abgebildeten Nutzdaten (nur Felder, die der Vertrag als änderbar kennzeichnet). Die Ausnahme danach erneut senden.</translation>
    </message>
    <message>
        <source>Attribute correction of %1/%2: the attributes to change (a steward revision on behalf of the owning system; validated like any change).</source>
        <translation>Attributkorrektur von %1/%2: die zu ändernden Attribute (eine Steward-Revision im Namen des führenden Systems; geprüft wie jede Änderung).</translation>
    </message>
    <message>
        <source>Correction #%1 awaiting approval: proposed by %2 on %3 (%4), it touches the critical group(s) %5. Changes: %6.</source>
        <translation>Korrektur #%1 wartet auf Freigabe: vorgeschlagen von %2 am %3 (%4), betrifft die kritische(n) Gruppe(n) %5. Änderungen: %6.</translation>
    </message>
    <message>
        <source>You proposed it: another user with the approver role must decide.</source>
        <translation>Sie haben sie vorgeschlagen: ein anderer Benutzer mit der Freigeberrolle muss entscheiden.</translation>
    </message>
    <message>
        <source>A user with the approver role must decide.</source>
        <translation>Ein Benutzer mit der Freigeberrolle muss entscheiden.</translation>
    </message>
    <message>
        <source>Correction #%1 by %2: %3.</source>
        <translation>Korrektur #%1 von %2: %3.</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>angewendet</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>Lineage of %1/%2</source>
        <translation>Herkunft von %1/%2</translation>
    </message>
    <message>
        <source>Audit entries</source>
        <translation>Prüfprotokolleinträge</translation>
    </message>
    <message>
        <source>Submitting…</source>
        <translation>Wird eingereicht…</translation>
    </message>
    <message>
        <source>✘ Refused by the core (nothing was changed): %1</source>
        <translation>✘ Vom Kern abgelehnt (nichts geändert): %1</translation>
    </message>
    <message>
        <source>✔ Correction #%1 recorded; it awaits approval by another user with the approver role.</source>
        <translation>✔ Korrektur #%1 erfasst; sie wartet auf die Freigabe durch einen anderen Benutzer mit der Freigeberrolle.</translation>
    </message>
    <message>
        <source>✔ Correction #%1 applied.</source>
        <translation>✔ Korrektur #%1 angewendet.</translation>
    </message>
    <message>
        <source>✔ Correction #%1 approved and applied.</source>
        <translation>✔ Korrektur #%1 freigegeben und angewendet.</translation>
    </message>
    <message>
        <source>✘ Approval refused by the core: %1</source>
        <translation>✘ Freigabe vom Kern abgelehnt: %1</translation>
    </message>
    <message>
        <source>✔ Correction #%1 rejected.</source>
        <translation>✔ Korrektur #%1 abgelehnt.</translation>
    </message>
    <message>
        <source>✘ Rejection refused by the core: %1</source>
        <translation>✘ Ablehnung vom Kern zurückgewiesen: %1</translation>
    </message>
    <message>
        <source>Running the dry run…</source>
        <translation>Probelauf läuft…</translation>
    </message>
    <message>
        <source>Dry run failed: %1</source>
        <translation>Probelauf fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Nothing would be sent: this exception has no failed delivery to replay.</source>
        <translation>Es würde nichts gesendet: diese Ausnahme hat keine fehlgeschlagene Zustellung zum erneuten Senden.</translation>
    </message>
    <message>
        <source>Would send revision %1 to %2: %3</source>
        <translation>Würde Revision %1 an %2 senden: %3</translation>
    </message>
    <message>
        <source>Compared with the last acknowledged revision %1:</source>
        <translation>Verglichen mit der zuletzt bestätigten Revision %1:</translation>
    </message>
    <message>
        <source>The target never acknowledged this object: every field is new.</source>
        <translation>Das Zielsystem hat dieses Objekt nie bestätigt: jedes Feld ist neu.</translation>
    </message>
    <message>
        <source>Payload:</source>
        <translation>Nutzdaten:</translation>
    </message>
    <message>
        <source>Exception #%1 is now %2: it was closed by someone else while it was open here.</source>
        <translation>Ausnahme #%1 ist jetzt %2: Jemand anderes hat sie geschlossen, während sie hier geöffnet war.</translation>
    </message>
    <message>
        <source>Exception #%1 is no longer in the backlog&apos;s list (its status changed or it no longer matches the filter). This pane stays on it.</source>
        <translation>Ausnahme #%1 steht nicht mehr in der Liste (ihr Status hat sich geändert oder sie passt nicht mehr zum Filter). Diese Ansicht bleibt bei ihr.</translation>
    </message>
    <message>
        <source>Your correction text is kept.</source>
        <translation>Ihr Korrekturtext bleibt erhalten.</translation>
    </message>
    <message>
        <source>Details (JSON)</source>
        <translation>Details (JSON)</translation>
    </message>
    <message>
        <source>Raw JSON</source>
        <translation>Roh-JSON</translation>
    </message>
    <message>
        <source>(no details recorded)</source>
        <translation>(keine Details gespeichert)</translation>
    </message>
    <message>
        <source>&lt;b&gt;#%1&lt;/b&gt; %2 · %3 · &lt;b&gt;%4&lt;/b&gt;%5 · %6</source>
        <translation>&lt;b&gt;#%1&lt;/b&gt; %2 · %3 · &lt;b&gt;%4&lt;/b&gt;%5 · %6</translation>
    </message>
    <message>
        <source>Target outage</source>
        <translation>Ausfall des Zielsystems</translation>
    </message>
    <message>
        <source>Reason (required, goes into the audit log)</source>
        <translation>Begründung (erforderlich, kommt ins Prüfprotokoll)</translation>
    </message>
    <message>
        <source>Probe now</source>
        <translation>Jetzt prüfen</translation>
    </message>
    <message>
        <source>Send one probe to the target at once instead of waiting for the next scheduled one. If the target answers, the circuit closes and the waiting deliveries are sent.</source>
        <translation>Sofort eine Prüfanfrage an das Zielsystem senden, statt auf die nächste geplante zu warten. Antwortet das Zielsystem, schließt sich der Circuit Breaker und die wartenden Zustellungen werden gesendet.</translation>
    </message>
    <message>
        <source>Pause target</source>
        <translation>Zielsystem anhalten</translation>
    </message>
    <message>
        <source>%1 is down: its deliveries wait and one probe goes out at growing intervals.</source>
        <translation>%1 ist ausgefallen: seine Zustellungen warten, und in wachsenden Abständen geht eine Prüfanfrage hinaus.</translation>
    </message>
    <message>
        <source>The circuit of %1 is closed: the target answers again, there is nothing to probe.</source>
        <translation>Der Circuit Breaker von %1 ist geschlossen: das Zielsystem antwortet wieder, es gibt nichts zu prüfen.</translation>
    </message>
    <message>
        <source>%1 is paused: nothing is sent to it, probes included.</source>
        <translation>%1 ist angehalten: nichts wird an es gesendet, auch keine Prüfanfragen.</translation>
    </message>
    <message>
        <source>Probing and pausing a target need the steward or admin role.</source>
        <translation>Prüfen und Anhalten eines Zielsystems erfordern die Rolle Steward oder Admin.</translation>
    </message>
    <message>
        <source>Resume target</source>
        <translation>Zielsystem fortsetzen</translation>
    </message>
    <message>
        <source>✔ Probe of %1 requested: the dispatcher sends it within a second; the incident closes if the target answers.</source>
        <translation>✔ Prüfanfrage an %1 angefordert: der Dispatcher sendet sie innerhalb einer Sekunde; der Vorfall schließt sich, wenn das Zielsystem antwortet.</translation>
    </message>
    <message>
        <source>✔ %1 paused.</source>
        <translation>✔ %1 angehalten.</translation>
    </message>
    <message>
        <source>✔ %1 resumed.</source>
        <translation>✔ %1 fortgesetzt.</translation>
    </message>
    <message>
        <source>Duplicate suspect</source>
        <translation>Dublettenverdacht</translation>
    </message>
    <message>
        <source>Not a duplicate</source>
        <translation>Keine Dublette</translation>
    </message>
    <message>
        <source>Record that the two objects are different: the exception is resolved and the pair is never raised as a duplicate suspect again.</source>
        <translation>Festhalten, dass die beiden Objekte verschieden sind: Die Ausnahme wird gelöst und das Paar nie wieder als Dublettenverdacht gemeldet.</translation>
    </message>
    <message>
        <source>The event was held: nothing was created, so there is no pair to decide. Discard it, or re-send it.</source>
        <translation>Das Ereignis wurde zurückgehalten: Nichts wurde angelegt, also gibt es kein Paar zu entscheiden. Verwerfen oder erneut senden.</translation>
    </message>
    <message>
        <source>This suspect is closed.</source>
        <translation>Dieser Verdacht ist abgeschlossen.</translation>
    </message>
    <message>
        <source>Deciding a duplicate suspect needs the steward or admin role.</source>
        <translation>Über einen Dublettenverdacht zu entscheiden erfordert die Rolle Steward oder Admin.</translation>
    </message>
    <message>
        <source>✔ %1 and %2 are not duplicates: recorded, and the pair will not be raised again.</source>
        <translation>✔ %1 und %2 sind keine Dubletten: festgehalten, das Paar wird nicht wieder gemeldet.</translation>
    </message>
    <message>
        <source>Replayable: always (no retention policy for %1)</source>
        <translation>Erneut sendbar: immer (keine Aufbewahrungsrichtlinie für %1)</translation>
    </message>
    <message numerus="yes">
        <source>Replayable while this revision is current; %n day(s) after it is superseded</source>
        <translation>
            <numerusform>Erneut sendbar, solange diese Revision aktuell ist, und noch %n Tag, nachdem sie überholt wurde</numerusform>
            <numerusform>Erneut sendbar, solange diese Revision aktuell ist, und noch %n Tage, nachdem sie überholt wurde</numerusform>
        </translation>
    </message>
    <message>
        <source>Replayable until %1 (then its payload may be archived)</source>
        <translation>Erneut sendbar bis %1 (danach können ihre Nutzdaten archiviert werden)</translation>
    </message>
    <message>
        <source>Not replayable: the revision&apos;s payload was archived in %1 on %2 (manifest SHA-256 %3…); correct the object at its source</source>
        <translation>Nicht erneut sendbar: Die Nutzdaten der Revision wurden am %2 in %1 archiviert (Manifest SHA-256 %3…); das Objekt in seinem Quellsystem korrigieren</translation>
    </message>
    <message>
        <source>Why are they different objects, or one object? (required, goes into the audit log)</source>
        <translation>Warum sind es verschiedene Objekte oder ein Objekt? (Pflicht, geht ins Audit-Log)</translation>
    </message>
    <message>
        <source>Merge the pair into this object: it keeps its key, the other one is retired at the targets (or redirected, as each target&apos;s contract says) and its key becomes an alias; objects that reference it are redirected by new revisions. In a domain with critical attribute groups an approver must approve the merge (four-eyes).</source>
        <translation>Das Paar in dieses Objekt zusammenführen: Es behält seinen Schlüssel, das andere wird in den Zielsystemen stillgelegt (oder umgeleitet, wie es der Vertrag des Zielsystems sagt) und sein Schlüssel wird zum Alias; Objekte, die darauf verweisen, werden durch neue Revisionen umgeleitet. In einer Domäne mit kritischen Attributgruppen muss ein Genehmiger die Zusammenführung genehmigen (Vier-Augen-Prinzip).</translation>
    </message>
    <message>
        <source>Approve merge</source>
        <translation>Zusammenführung genehmigen</translation>
    </message>
    <message>
        <source>Reject merge</source>
        <translation>Zusammenführung ablehnen</translation>
    </message>
    <message>
        <source>%1 was created looking like %2 (compared side by side under Problem). If they are different objects, say why: the pair is remembered and never raised as a duplicate suspect again. If they are one object, merge them into the one that stays.</source>
        <translation>%1 wurde angelegt und ähnelt %2 (unter „Problem“ nebeneinander verglichen). Sind es verschiedene Objekte, begründen Sie es: Das Paar wird gemerkt und nie wieder als Dublettenverdacht gemeldet. Ist es ein Objekt, führen Sie beide in das zusammen, das bleibt.</translation>
    </message>
    <message>
        <source>Merge #%1 (%2 into %3) by %4 awaits approval by another user with the approver role: %5</source>
        <translation>Zusammenführung #%1 (%2 in %3) von %4 wartet auf die Genehmigung durch einen anderen Benutzer mit der Rolle Genehmiger: %5</translation>
    </message>
    <message>
        <source>Merge into %1</source>
        <translation>In %1 zusammenführen</translation>
    </message>
    <message>
        <source>✔ Merge #%1 of %2 into %3 proposed: it awaits approval by another user with the approver role (four-eyes).</source>
        <translation>✔ Zusammenführung #%1 von %2 in %3 vorgeschlagen: Sie wartet auf die Genehmigung durch einen anderen Benutzer mit der Rolle Genehmiger (Vier-Augen-Prinzip).</translation>
    </message>
    <message>
        <source>✔ %1 merged into %2 (merge #%3): %1 is retired and now stands for %2; references were redirected.</source>
        <translation>✔ %1 in %2 zusammengeführt (Zusammenführung #%3): %1 ist stillgelegt und steht jetzt für %2; Verweise wurden umgeleitet.</translation>
    </message>
    <message>
        <source>✔ Merge #%1 approved and applied.</source>
        <translation>✔ Zusammenführung #%1 genehmigt und angewendet.</translation>
    </message>
    <message>
        <source>✔ Merge #%1 rejected.</source>
        <translation>✔ Zusammenführung #%1 abgelehnt.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionDiscardDialog</name>
    <message numerus="yes">
        <source>Discard %n exception(s)</source>
        <translation>
            <numerusform>%n Ausnahme verwerfen</numerusform>
            <numerusform>%n Ausnahmen verwerfen</numerusform>
        </translation>
    </message>
    <message>
        <source>Superseded by a newer change</source>
        <translation>Durch eine neuere Änderung überholt</translation>
    </message>
    <message>
        <source>Obsolete object</source>
        <translation>Veraltetes Objekt</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Dublette</translation>
    </message>
    <message>
        <source>Target decommissioned</source>
        <translation>Zielsystem stillgelegt</translation>
    </message>
    <message>
        <source>Other (explain)</source>
        <translation>Sonstiges (bitte erläutern)</translation>
    </message>
    <message>
        <source>Explanation (required for “Other”)</source>
        <translation>Erläuterung (Pflicht bei „Sonstiges“)</translation>
    </message>
    <message>
        <source>Reason code:</source>
        <translation>Begründungsschlüssel:</translation>
    </message>
    <message>
        <source>Explanation:</source>
        <translation>Erläuterung:</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionFixRuleDialog</name>
    <message numerus="yes">
        <source>Apply a fix rule to %n exception(s)</source>
        <translation>
            <numerusform>Korrekturregel auf %n Ausnahme anwenden</numerusform>
            <numerusform>Korrekturregel auf %n Ausnahmen anwenden</numerusform>
        </translation>
    </message>
    <message>
        <source>Payload field of the failed delivery</source>
        <translation>Nutzdatenfeld der fehlgeschlagenen Zustellung</translation>
    </message>
    <message>
        <source>Attribute of the object</source>
        <translation>Attribut des Objekts</translation>
    </message>
    <message>
        <source>any value</source>
        <translation>beliebiger Wert</translation>
    </message>
    <message>
        <source>JSON or text, e.g. &quot;EA&quot; or 12.5</source>
        <translation>JSON oder Text, z. B. &quot;EA&quot; oder 12.5</translation>
    </message>
    <message>
        <source>Rule name:</source>
        <translation>Regelname:</translation>
    </message>
    <message>
        <source>Changes:</source>
        <translation>Ändert:</translation>
    </message>
    <message>
        <source>Field / attribute:</source>
        <translation>Feld / Attribut:</translation>
    </message>
    <message>
        <source>Only where it equals:</source>
        <translation>Nur wenn gleich:</translation>
    </message>
    <message>
        <source>Set to:</source>
        <translation>Setzen auf:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Begründung:</translation>
    </message>
    <message>
        <source>Preview first: which exceptions, and before → after. Nothing changes.</source>
        <translation>Erst die Vorschau: welche Ausnahmen, und vorher → nachher. Es ändert sich nichts.</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>Ausnahme</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Before → after</source>
        <translation>Vorher → nachher</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <source>Name the field or attribute the rule changes.</source>
        <translation>Das Feld oder Attribut angeben, das die Regel ändert.</translation>
    </message>
    <message>
        <source>Say what the rule sets the field to.</source>
        <translation>Angeben, auf welchen Wert die Regel das Feld setzt.</translation>
    </message>
    <message>
        <source>Previewing…</source>
        <translation>Vorschau wird erstellt…</translation>
    </message>
    <message>
        <source>Refused by the core: %1</source>
        <translation>Vom Kern abgelehnt: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n exception(s) match; nothing was changed.</source>
        <translation>
            <numerusform>%n Ausnahme passt; nichts wurde geändert.</numerusform>
            <numerusform>%n Ausnahmen passen; nichts wurde geändert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionProblem</name>
    <message>
        <source>Acknowledged revision</source>
        <translation>Bestätigte Revision</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Contract version</source>
        <translation>Vertragsversion</translation>
    </message>
    <message>
        <source>Detected by</source>
        <translation>Erkannt von</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>HTTP status</source>
        <translation>HTTP-Status</translation>
    </message>
    <message>
        <source>Idempotency key</source>
        <translation>Idempotenzschlüssel</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>The target&apos;s answer</source>
        <translation>Antwort des Zielsystems</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>Abonnement</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Zielsystem</translation>
    </message>
    <message>
        <source>expected %1, the target has %2</source>
        <translation>erwartet %1, das Zielsystem hat %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1
revision %2, from %3</source>
        <translation>%1
Revision %2, von %3</translation>
    </message>
    <message>
        <source>%1
the held event</source>
        <translation>%1
das zurückgehaltene Ereignis</translation>
    </message>
    <message>
        <source>%1
no longer in the workspace</source>
        <translation>%1
nicht mehr im Arbeitsbereich</translation>
    </message>
    <message>
        <source>%1 %2 looks like %1 %3: similarity %4 on %5. The compared attributes are in bold; values that differ are marked ≠.</source>
        <translation>%1 %2 ähnelt %1 %3: Ähnlichkeit %4 bei %5. Die verglichenen Attribute sind fett; abweichende Werte sind mit ≠ markiert.</translation>
    </message>
    <message>
        <source>(not recorded)</source>
        <translation>(nicht erfasst)</translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation>Attribut</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>What went wrong</source>
        <translation>Was schiefging</translation>
    </message>
    <message>
        <source>the source</source>
        <translation>die Quelle</translation>
    </message>
    <message>
        <source>What %1 sent (the message above says what went wrong)</source>
        <translation>Was %1 gesendet hat (die Meldung oben sagt, was schiefging)</translation>
    </message>
    <message>
        <source>Value sent</source>
        <translation>Gesendeter Wert</translation>
    </message>
    <message>
        <source>Nothing was recorded beyond the message above.</source>
        <translation>Über die Meldung oben hinaus wurde nichts erfasst.</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>noch keine</translation>
    </message>
    <message>
        <source>(revisions)</source>
        <translation>(Revisionen)</translation>
    </message>
    <message>
        <source>(sent by)</source>
        <translation>(gesendet von)</translation>
    </message>
    <message>
        <source>(acknowledged by targets)</source>
        <translation>(von Zielsystemen bestätigt)</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionsModel</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Zielsystem</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>assigned</source>
        <translation>zugewiesen</translation>
    </message>
    <message>
        <source>awaiting approval</source>
        <translation>zur Freigabe</translation>
    </message>
    <message>
        <source>replayed</source>
        <translation>erneut gesendet</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>behoben</translation>
    </message>
    <message>
        <source>discarded</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>überholt</translation>
    </message>
    <message>
        <source>&lt; 1 min</source>
        <translation>&lt; 1 min</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <source>(the whole system)</source>
        <translation>(das ganze System)</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionsView</name>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation>Abfrage fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Object key or message (Ctrl+F)</source>
        <translation>Schlüssel/Meldung (Strg+F)</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Alle Kategorien</translation>
    </message>
    <message>
        <source>All severities</source>
        <translation>Alle Schweregrade</translation>
    </message>
    <message>
        <source>All targets</source>
        <translation>Alle Zielsysteme</translation>
    </message>
    <message>
        <source>All domains</source>
        <translation>Alle Domänen</translation>
    </message>
    <message>
        <source>Statuses shown</source>
        <translation>Angezeigte Status</translation>
    </message>
    <message>
        <source>open, assigned, awaiting approval</source>
        <translation>offen, zugewiesen, zur Freigabe</translation>
    </message>
    <message>
        <source>Any age</source>
        <translation>Jedes Alter</translation>
    </message>
    <message>
        <source>Older than 15 min</source>
        <translation>Älter als 15 min</translation>
    </message>
    <message>
        <source>Older than 1 h</source>
        <translation>Älter als 1 h</translation>
    </message>
    <message>
        <source>Older than 4 h</source>
        <translation>Älter als 4 h</translation>
    </message>
    <message>
        <source>Older than 1 day</source>
        <translation>Älter als 1 Tag</translation>
    </message>
    <message>
        <source>Older than 7 days</source>
        <translation>Älter als 7 Tage</translation>
    </message>
    <message>
        <source>No grouping</source>
        <translation>Ohne Gruppen</translation>
    </message>
    <message>
        <source>Group by category</source>
        <translation>Je Kategorie</translation>
    </message>
    <message>
        <source>Group by target</source>
        <translation>Je Zielsystem</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Mir zuweisen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+A</source>
        <translation>Strg+Umschalt+A</translation>
    </message>
    <message>
        <source>Assign to…</source>
        <translation>Zuweisen an…</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>Zuweisen</translation>
    </message>
    <message numerus="yes">
        <source>Assign %n exception(s) to login:</source>
        <translation>
            <numerusform>%n Ausnahme zuweisen an Login:</numerusform>
            <numerusform>%n Ausnahmen zuweisen an Login:</numerusform>
        </translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Strg+R</translation>
    </message>
    <message>
        <source>Discard…</source>
        <translation>Verwerfen…</translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation>Strg+D</translation>
    </message>
    <message>
        <source>Fix rule…</source>
        <translation>Korrekturregel…</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nächste</translation>
    </message>
    <message>
        <source>Alt+Down</source>
        <translation>Alt+Down</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Vorherige</translation>
    </message>
    <message>
        <source>Alt+Up</source>
        <translation>Alt+Up</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Strg+F</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>(inbound: no target)</source>
        <translation>(eingehend: kein Zielsystem)</translation>
    </message>
    <message numerus="yes">
        <source>%n exception(s)</source>
        <translation>
            <numerusform>%n Ausnahme</numerusform>
            <numerusform>%n Ausnahmen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n selected</source>
        <translation>
            <numerusform>, %n ausgewählt</numerusform>
            <numerusform>, %n ausgewählt</numerusform>
        </translation>
    </message>
    <message>
        <source> · query %1 ms</source>
        <translation> · Abfrage %1 ms</translation>
    </message>
    <message numerus="yes">
        <source>Assigning %n exception(s) to %1</source>
        <translation>
            <numerusform>%n Ausnahme wird %1 zugewiesen</numerusform>
            <numerusform>%n Ausnahmen werden %1 zugewiesen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Replaying %n exception(s)</source>
        <translation>
            <numerusform>%n Ausnahme wird erneut gesendet</numerusform>
            <numerusform>%n Ausnahmen werden erneut gesendet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Discarding %n exception(s)</source>
        <translation>
            <numerusform>%n Ausnahme wird verworfen</numerusform>
            <numerusform>%n Ausnahmen werden verworfen</numerusform>
        </translation>
    </message>
    <message>
        <source>Applying fix rule “%1”</source>
        <translation>Korrekturregel „%1“ wird angewendet</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancelling after the current item…</source>
        <translation>Abbruch nach dem aktuellen Eintrag…</translation>
    </message>
    <message>
        <source>%1: refused by the core: %2</source>
        <translation>%1: vom Kern abgelehnt: %2</translation>
    </message>
    <message>
        <source>%1 of %2: %3</source>
        <translation>%1 von %2: %3</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>Ausnahmen</translation>
    </message>
    <message>
        <source>Group by cause</source>
        <translation>Je Ursache</translation>
    </message>
    <message>
        <source>Cause: the same target, category and error text, whatever object, value or number it names. Click a cause to list its exceptions, then select them all (Ctrl+A) for one action on the group.</source>
        <translation>Ursache: dasselbe Zielsystem, dieselbe Kategorie und derselbe Fehlertext, gleich welches Objekt, welchen Wert oder welche Zahl er nennt. Ein Klick auf eine Ursache listet ihre Ausnahmen; dann alle auswählen (Strg+A) für eine Aktion auf die ganze Gruppe.</translation>
    </message>
    <message>
        <source>All causes</source>
        <translation>Alle Ursachen</translation>
    </message>
    <message>
        <source>inbound</source>
        <translation>eingehend</translation>
    </message>
    <message>
        <source>(more exceptions than are grouped: narrow the filter)</source>
        <translation>(mehr Ausnahmen als gruppiert: den Filter eingrenzen)</translation>
    </message>
    <message>
        <source>Saved filters</source>
        <translation>Gespeicherte Filter</translation>
    </message>
    <message>
        <source>Save the current filter and grouping under a name, or apply one saved before (kept per workspace and user on this workstation)</source>
        <translation>Den aktuellen Filter und die Gruppierung unter einem Namen speichern oder einen gespeicherten anwenden (je Arbeitsbereich und Benutzer auf diesem Arbeitsplatz)</translation>
    </message>
    <message>
        <source>Save the current filter…</source>
        <translation>Aktuellen Filter speichern…</translation>
    </message>
    <message>
        <source>Save filter</source>
        <translation>Filter speichern</translation>
    </message>
    <message>
        <source>Name of the filter:</source>
        <translation>Name des Filters:</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>By impact</source>
        <translation>Nach Auswirkung</translation>
    </message>
    <message>
        <source>Most business impact first: the criticality of the subscription it blocks, the object&apos;s lifecycle state (released first), how many objects use it (BOMs of an item), then severity and age. A click on a column header sorts by that column.</source>
        <translation>Größte geschäftliche Auswirkung zuerst: die Kritikalität des blockierten Abonnements, der Lebenszyklusstatus des Objekts (freigegebene zuerst), wie viele Objekte es verwenden (Stücklisten eines Artikels), dann Schweregrad und Alter. Ein Klick auf einen Spaltenkopf sortiert nach dieser Spalte.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExportDialog</name>
    <message>
        <source>Export the audit trail</source>
        <translation>Prüfprotokoll exportieren</translation>
    </message>
    <message>
        <source>a new or empty directory</source>
        <translation>ein neues oder leeres Verzeichnis</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Directory:</source>
        <translation>Verzeichnis:</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>JSON Lines</source>
        <translation>JSON Lines</translation>
    </message>
    <message>
        <source>PDF report</source>
        <translation>PDF-Bericht</translation>
    </message>
    <message>
        <source>OpenLineage</source>
        <translation>OpenLineage</translation>
    </message>
    <message>
        <source>Formats:</source>
        <translation>Formate:</translation>
    </message>
    <message>
        <source>Range:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>from</source>
        <translation>von</translation>
    </message>
    <message>
        <source>until (exclusive)</source>
        <translation>bis (ausschließlich)</translation>
    </message>
    <message>
        <source>all objects; or e.g. item/FG-1000, bom/FG-1000</source>
        <translation>alle Objekte; oder z. B. item/FG-1000, bom/FG-1000</translation>
    </message>
    <message>
        <source>Lineage and the PDF report are limited to these objects; the audit entries of the range are always exported whole, so that their hash chain can be verified.</source>
        <translation>Herkunft und PDF-Bericht beschränken sich auf diese Objekte; die Prüfprotokolleinträge des Zeitraums werden stets vollständig exportiert, damit ihre Hash-Kette prüfbar bleibt.</translation>
    </message>
    <message>
        <source>Objects:</source>
        <translation>Objekte:</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>Export abbrechen</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an object; write domain/key, e.g. item/FG-1000</source>
        <translation>„%1“ ist kein Objekt; Domäne/Schlüssel angeben, z. B. item/FG-1000</translation>
    </message>
    <message>
        <source>Export directory</source>
        <translation>Exportverzeichnis</translation>
    </message>
    <message>
        <source>Choose a new or empty directory to export to.</source>
        <translation>Ein neues oder leeres Verzeichnis für den Export wählen.</translation>
    </message>
    <message>
        <source>Choose CSV, JSON Lines or both (the PDF report comes with them).</source>
        <translation>CSV, JSON Lines oder beides wählen (der PDF-Bericht kommt mit).</translation>
    </message>
    <message>
        <source>The end of the range must be after its start.</source>
        <translation>Das Ende des Zeitraums muss nach seinem Beginn liegen.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Wird exportiert…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Exporting… %1 of %2 rows</source>
        <translation>Wird exportiert… %1 von %2 Zeilen</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>Export abgebrochen; nichts wurde geschrieben.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Exported to %1. Check it offline with: mdsyncctl verify-export &quot;%1&quot;</source>
        <translation>Nach %1 exportiert. Offline prüfen mit: mdsyncctl verify-export &quot;%1&quot;</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::HealthStrip</name>
    <message>
        <source>no ack in the last hour</source>
        <translation>seit 1 h keine Bestätigung</translation>
    </message>
    <message>
        <source>last ack within the last minute</source>
        <translation>zuletzt bestätigt vor &lt; 1 min</translation>
    </message>
    <message>
        <source>last ack %1 s ago</source>
        <translation>zuletzt bestätigt vor %1 s</translation>
    </message>
    <message>
        <source>last ack %1 min ago</source>
        <translation>zuletzt bestätigt vor %1 min</translation>
    </message>
    <message>
        <source>last ack %1 h ago</source>
        <translation>zuletzt bestätigt vor %1 h</translation>
    </message>
    <message>
        <source>up</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>slow</source>
        <translation>langsam</translation>
    </message>
    <message>
        <source>down</source>
        <translation>ausgefallen</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>inaktiv</translation>
    </message>
    <message>
        <source>backlog %1</source>
        <translation>Rückstand %1</translation>
    </message>
    <message>
        <source>down since %1, %L2 waiting</source>
        <translation>ausgefallen seit %1, %L2 wartend</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::HelpPages</name>
    <message>
        <source>See also: %1.</source>
        <translation>Siehe auch: %1.</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Propagation matrix</source>
        <translation>Verteilungsmatrix</translation>
    </message>
    <message>
        <source>Lineage</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>Ausnahmen</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>Richtlinien</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Getting started</source>
        <translation>Erste Schritte</translation>
    </message>
    <message>
        <source>&lt;p&gt;The state of propagation at a glance, refreshed while the core runs.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Der Stand der Verteilung auf einen Blick, laufend aktualisiert, solange der Kern läuft.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Charts&lt;/b&gt;: throughput and latency per target system, the age of open exceptions and SLA compliance per domain. Click a bar to open the exceptions or objects it counts.</source>
        <translation>&lt;b&gt;Diagramme&lt;/b&gt;: Durchsatz und Latenz je Zielsystem, das Alter offener Ausnahmen und die SLA-Einhaltung je Domäne. Ein Klick auf einen Balken öffnet die gezählten Ausnahmen oder Objekte.</translation>
    </message>
    <message>
        <source>&lt;b&gt;System health&lt;/b&gt;: each system is up, slow, down or paused, with its backlog and last acknowledgement. A target that stopped answering (its circuit is open) says since when it is down and how many deliveries wait for it. Click a system to see its backlog in the propagation matrix.</source>
        <translation>&lt;b&gt;Systemzustand&lt;/b&gt;: jedes System läuft, ist langsam, ausgefallen oder angehalten, mit seinem Rückstand und seiner letzten Bestätigung. Ein Zielsystem, das nicht mehr antwortet (Circuit Breaker offen), zeigt, seit wann es ausgefallen ist und wie viele Zustellungen auf es warten. Ein Klick auf ein System zeigt seinen Rückstand in der Verteilungsmatrix.</translation>
    </message>
    <message>
        <source>&lt;p&gt;One row per object, one column per target system. A cell is the status of the object&apos;s latest revision at that system, shown with an icon and a word, not colour alone.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Eine Zeile je Objekt, eine Spalte je Zielsystem. Eine Zelle zeigt den Status der neuesten Revision des Objekts in diesem System, mit Symbol und Wort, nicht nur mit Farbe.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Filter&lt;/b&gt; as you type: a key prefix (for example FG-10) or a word of the description. Narrow by domain, plant, status at one or any system, and age.</source>
        <translation>&lt;b&gt;Filtern&lt;/b&gt; beim Tippen: ein Schlüsselpräfix (zum Beispiel FG-10) oder ein Wort der Beschreibung. Eingrenzen nach Domäne, Werk, Status in einem oder irgendeinem System und Alter.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Status&lt;/b&gt; &quot;backlog&quot; means anything not yet acknowledged: pending, held by a dependency, retrying or failed.</source>
        <translation>&lt;b&gt;Status&lt;/b&gt; „Rückstand“ umfasst alles noch nicht Bestätigte: ausstehend, wartet auf Abhängigkeit, wird wiederholt oder fehlgeschlagen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Hover&lt;/b&gt; a cell for its revision, the revision the system acknowledged, age, attempts and the last error.</source>
        <translation>&lt;b&gt;Mauszeiger&lt;/b&gt; über einer Zelle zeigt ihre Revision, die vom System bestätigte Revision, Alter, Versuche und den letzten Fehler.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Select&lt;/b&gt; a row to list every revision of the object and its status at each system below; double-click to open its lineage.</source>
        <translation>&lt;b&gt;Auswählen&lt;/b&gt; einer Zeile listet darunter jede Revision des Objekts und ihren Status in jedem System; Doppelklick öffnet die Herkunft.</translation>
    </message>
    <message>
        <source>Sorting and filtering run in the database, so they stay quick on a million objects.</source>
        <translation>Sortieren und Filtern laufen in der Datenbank und bleiben so auch bei einer Million Objekten schnell.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Everything that happened to one object, one lane per system, on a time axis: received, validated, merged, delivered, acknowledged, failed, corrected, approved, replayed.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Alles, was mit einem Objekt geschah, eine Bahn je System, auf einer Zeitachse: empfangen, geprüft, zusammengeführt, zugestellt, bestätigt, fehlgeschlagen, korrigiert, freigegeben, erneut gesendet.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Zoom&lt;/b&gt; with the mouse wheel around the pointer; &lt;b&gt;pan&lt;/b&gt; by dragging.</source>
        <translation>&lt;b&gt;Zoomen&lt;/b&gt; mit dem Mausrad um den Mauszeiger; &lt;b&gt;verschieben&lt;/b&gt; durch Ziehen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Click&lt;/b&gt; an event to see its correlation id, its payload and what its revision changed.</source>
        <translation>&lt;b&gt;Klick&lt;/b&gt; auf ein Ereignis zeigt seine Korrelations-ID, seine Nutzdaten und was seine Revision geändert hat.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Point in time&lt;/b&gt;: pick a date and time to see each attribute&apos;s value, the system that owned it and the system (or steward) that supplied it at that moment.</source>
        <translation>&lt;b&gt;Zeitpunkt&lt;/b&gt;: Datum und Uhrzeit wählen, um für diesen Moment den Wert jedes Attributs, sein führendes System und das liefernde System (oder den Steward) zu sehen.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Everything the core could not deliver or accept, kept verbatim until a steward clears it.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Alles, was der Kern nicht zustellen oder annehmen konnte, unverändert aufbewahrt, bis ein Steward es klärt.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Filter&lt;/b&gt; by status, category, severity, target, assignee and age; group counts show where the backlog is.</source>
        <translation>&lt;b&gt;Filtern&lt;/b&gt; nach Status, Kategorie, Schweregrad, Zielsystem, Bearbeiter und Alter; die Gruppenzähler zeigen, wo der Rückstand liegt.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Bulk actions&lt;/b&gt; on the selection: assign, replay, discard with a reason code, or apply a fix rule. A progress dialog shows every item&apos;s result and can be cancelled.</source>
        <translation>&lt;b&gt;Sammelaktionen&lt;/b&gt; auf der Auswahl: zuweisen, erneut senden, mit Begründungsschlüssel verwerfen oder eine Korrekturregel anwenden. Ein Fortschrittsdialog zeigt das Ergebnis jedes Eintrags und lässt sich abbrechen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Detail&lt;/b&gt;: the raw payload, the error and validation messages, a correction editor (checked before it is submitted), a replay dry run that shows the payload diff, the four-eyes state and the history of actions.</source>
        <translation>&lt;b&gt;Detail&lt;/b&gt;: die rohen Nutzdaten, Fehler- und Prüfmeldungen, ein Korrektureditor (vor dem Einreichen geprüft), ein Probelauf mit dem Unterschied der Nutzdaten, der Freigabestand (Vier-Augen-Prinzip) und der Verlauf der Aktionen.</translation>
    </message>
    <message>
        <source>Corrections of critical fields need a second steward&apos;s approval (four-eyes); you cannot approve your own.</source>
        <translation>Korrekturen kritischer Felder brauchen die Freigabe eines zweiten Stewards (Vier-Augen-Prinzip); eigene Korrekturen können Sie nicht freigeben.</translation>
    </message>
    <message>
        <source>&lt;p&gt;The rules the core applies, read-only here (change them with &lt;tt&gt;mdsyncctl propose&lt;/tt&gt; and a second steward&apos;s approval).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Die Regeln, die der Kern anwendet, hier nur lesbar (Änderung mit &lt;tt&gt;mdsyncctl propose&lt;/tt&gt; und der Freigabe eines zweiten Stewards).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ownership&lt;/b&gt;: for each domain and attribute group, the system of record whose changes are accepted.</source>
        <translation>&lt;b&gt;Datenhoheit&lt;/b&gt;: für jede Domäne und Attributgruppe das führende System, dessen Änderungen angenommen werden.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Subscriptions&lt;/b&gt;: which system receives which objects, with its SLA and pattern.</source>
        <translation>&lt;b&gt;Abonnements&lt;/b&gt;: welches System welche Objekte erhält, mit SLA und Muster.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Contracts&lt;/b&gt;: how canonical fields map to each system&apos;s fields, with their versions.</source>
        <translation>&lt;b&gt;Verträge&lt;/b&gt;: wie die kanonischen Felder auf die Felder jedes Systems abgebildet werden, mit ihren Versionen.</translation>
    </message>
    <message>
        <source>&lt;p&gt;The tamper-evident audit log: every change, correction, approval, replay and discard, who did it and when.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Das manipulationssichere Prüfprotokoll: jede Änderung, Korrektur, Freigabe, jedes erneute Senden und Verwerfen, wer es tat und wann.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Filter&lt;/b&gt; by actor, action, object and time.</source>
        <translation>&lt;b&gt;Filtern&lt;/b&gt; nach Akteur, Aktion, Objekt und Zeit.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Verify chain&lt;/b&gt; recomputes the hash chain and names the first entry that does not match.</source>
        <translation>&lt;b&gt;Kette prüfen&lt;/b&gt; berechnet die Hash-Kette neu und nennt den ersten Eintrag, der nicht passt.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export&lt;/b&gt; writes CSV, JSONL, a PDF report and OpenLineage events for a time range and a set of objects, with a manifest of checksums that &lt;tt&gt;mdsyncctl verify-export&lt;/tt&gt; checks offline.</source>
        <translation>&lt;b&gt;Exportieren&lt;/b&gt; schreibt CSV, JSONL, einen PDF-Bericht und OpenLineage-Ereignisse für einen Zeitraum und eine Menge von Objekten, mit einem Manifest aus Prüfsummen, das &lt;tt&gt;mdsyncctl verify-export&lt;/tt&gt; offline prüft.</translation>
    </message>
    <message>
        <source>Help for the current view</source>
        <translation>Hilfe zur aktuellen Ansicht</translation>
    </message>
    <message>
        <source>Open a workspace</source>
        <translation>Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>Create a workspace</source>
        <translation>Arbeitsbereich anlegen</translation>
    </message>
    <message>
        <source>J or Alt+Down</source>
        <translation>J oder Alt+Pfeil nach unten</translation>
    </message>
    <message>
        <source>Exceptions: next</source>
        <translation>Ausnahmen: nächste</translation>
    </message>
    <message>
        <source>K or Alt+Up</source>
        <translation>K oder Alt+Pfeil nach oben</translation>
    </message>
    <message>
        <source>Exceptions: previous</source>
        <translation>Ausnahmen: vorherige</translation>
    </message>
    <message>
        <source>Ctrl+Shift+A</source>
        <translation>Strg+Umschalt+A</translation>
    </message>
    <message>
        <source>Exceptions: assign the selection to me</source>
        <translation>Ausnahmen: Auswahl mir zuweisen</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Strg+R</translation>
    </message>
    <message>
        <source>Exceptions: replay the selection</source>
        <translation>Ausnahmen: Auswahl erneut senden</translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation>Strg+D</translation>
    </message>
    <message>
        <source>Exceptions: discard the selection with a reason</source>
        <translation>Ausnahmen: Auswahl mit Begründung verwerfen</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Strg+F</translation>
    </message>
    <message>
        <source>Exceptions: go to the filter</source>
        <translation>Ausnahmen: zum Filter springen</translation>
    </message>
    <message>
        <source>&lt;p&gt;MDSync keeps master data consistent across PLM, ERP, MES, WMS and the other systems of a plant. Its core validates each change against the canonical model and the system-of-record policy, stores it as a revision and delivers it to every subscribing system.&lt;/p&gt;</source>
        <translation>&lt;p&gt;MDSync hält die Stammdaten über PLM, ERP, MES, WMS und die anderen Systeme eines Werks konsistent. Sein Kern prüft jede Änderung gegen das kanonische Modell und die Regeln zum führenden System, speichert sie als Revision und stellt sie jedem abonnierenden System zu.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Open the live demo&lt;/b&gt; to try it: simulated systems and traffic, with faults, in a workspace of its own.</source>
        <translation>&lt;b&gt;Live-Demo öffnen&lt;/b&gt; zum Ausprobieren: simulierte Systeme und Datenverkehr, mit Störungen, in einem eigenen Arbeitsbereich.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Create a workspace&lt;/b&gt; from a landscape file that lists your systems, ownership and subscriptions (or from the built-in example landscape).</source>
        <translation>&lt;b&gt;Arbeitsbereich anlegen&lt;/b&gt; aus einer Systemlandschaftsdatei mit Ihren Systemen, der Datenhoheit und den Abonnements (oder aus der eingebauten Beispiel-Systemlandschaft).</translation>
    </message>
    <message>
        <source>&lt;b&gt;Open a workspace&lt;/b&gt; file (.mdsync) that &lt;tt&gt;mdsyncctl init&lt;/tt&gt; or this window created.</source>
        <translation>&lt;b&gt;Arbeitsbereich öffnen&lt;/b&gt;: eine Datei (.mdsync), die &lt;tt&gt;mdsyncctl init&lt;/tt&gt; oder dieses Fenster angelegt hat.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Each view has its own help page: press %1 there.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Jede Ansicht hat eine eigene Hilfeseite: dort %1 drücken.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tiles&lt;/b&gt;: backlog, deliveries acknowledged in the last hour, retry rate, p95 latency, SLA breaches, open exceptions by severity, mean time to repair and target outages (the targets down now, the longest since when, outage minutes and mean time to recovery over 30 days). Click a tile to open the list behind it.</source>
        <translation>&lt;b&gt;Kacheln&lt;/b&gt;: Rückstand, in der letzten Stunde bestätigte Zustellungen, Wiederholungsrate, p95-Latenz, SLA-Verletzungen, offene Ausnahmen nach Schweregrad, mittlere Behebungszeit und Ausfälle von Zielsystemen (die jetzt ausgefallenen, der längste seit wann, Ausfallminuten und mittlere Wiederherstellungszeit über 30 Tage). Ein Klick auf eine Kachel öffnet die Liste dahinter.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Target outage&lt;/b&gt; (category &lt;tt&gt;target_outage&lt;/tt&gt;): one incident per target that is down; its deliveries wait and are sent when the target answers a probe again. From the incident a steward can &lt;b&gt;Probe now&lt;/b&gt; (one probe at once instead of waiting for the schedule; the circuit closes if the target answers) and &lt;b&gt;Pause target&lt;/b&gt; / &lt;b&gt;Resume target&lt;/b&gt;. Each needs a reason and is recorded in the audit log.</source>
        <translation>&lt;b&gt;Ausfall des Zielsystems&lt;/b&gt; (Kategorie &lt;tt&gt;target_outage&lt;/tt&gt;): ein Vorfall je ausgefallenem Zielsystem; seine Zustellungen warten und werden gesendet, sobald das Zielsystem wieder auf eine Prüfanfrage antwortet. Vom Vorfall aus kann ein Steward &lt;b&gt;Jetzt prüfen&lt;/b&gt; (sofort eine Prüfanfrage statt nach Plan; der Circuit Breaker schließt sich, wenn das Zielsystem antwortet) sowie &lt;b&gt;Zielsystem anhalten&lt;/b&gt; / &lt;b&gt;Zielsystem fortsetzen&lt;/b&gt;. Jede Aktion braucht eine Begründung und wird im Prüfprotokoll festgehalten.</translation>
    </message>
    <message>
        <source>Mapping editor</source>
        <translation>Mapping-Editor</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edit how one target receives one domain: each target field, where its value comes from and how it is transformed. Open it from &lt;b&gt;Policies → Subscriptions → Edit mapping…&lt;/b&gt; or &lt;b&gt;View → Mapping editor&lt;/b&gt;. Nothing changes until a proposal is approved by another admin.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Bearbeiten, wie ein Zielsystem eine Domäne erhält: jedes Zielfeld, woher sein Wert kommt und wie er umgewandelt wird. Öffnen über &lt;b&gt;Richtlinien → Abonnements → Mapping bearbeiten…&lt;/b&gt; oder &lt;b&gt;Ansicht → Mapping-Editor&lt;/b&gt;. Nichts ändert sich, bevor ein anderer Admin einen Vorschlag freigegeben hat.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Target&lt;/b&gt; and &lt;b&gt;domain&lt;/b&gt; choose the contract the subscription uses; &lt;b&gt;on loss&lt;/b&gt; says whether an issue that loses information blocks the delivery or is sent with a warning.</source>
        <translation>&lt;b&gt;Zielsystem&lt;/b&gt; und &lt;b&gt;Domäne&lt;/b&gt; wählen den Vertrag, den das Abonnement verwendet; &lt;b&gt;Bei Verlust&lt;/b&gt; legt fest, ob ein Problem mit Informationsverlust die Zustellung blockiert oder ob sie mit einer Warnung gesendet wird.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Source&lt;/b&gt;: a canonical attribute, &lt;tt&gt;$key&lt;/tt&gt; (the object key), &lt;tt&gt;=&lt;/tt&gt; followed by a constant (&lt;tt&gt;=&quot;MDSYNC&quot;&lt;/tt&gt;, &lt;tt&gt;=true&lt;/tt&gt;), or a format with placeholders such as &lt;tt&gt;{description} ({$key})&lt;/tt&gt;.</source>
        <translation>&lt;b&gt;Quelle&lt;/b&gt;: ein kanonisches Attribut, &lt;tt&gt;$key&lt;/tt&gt; (der Objektschlüssel), &lt;tt&gt;=&lt;/tt&gt; gefolgt von einer Konstanten (&lt;tt&gt;=&quot;MDSYNC&quot;&lt;/tt&gt;, &lt;tt&gt;=true&lt;/tt&gt;) oder ein Format mit Platzhaltern wie &lt;tt&gt;{description} ({$key})&lt;/tt&gt;.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Unit&lt;/b&gt; and &lt;b&gt;decimals&lt;/b&gt; convert and round quantities; &lt;b&gt;max length&lt;/b&gt; cuts text; &lt;b&gt;code map&lt;/b&gt; is written &lt;tt&gt;ambient=AMB, cool=COOL&lt;/tt&gt;; &lt;b&gt;date format&lt;/b&gt; is a pattern such as &lt;tt&gt;dd.MM.yyyy&lt;/tt&gt;; &lt;b&gt;required&lt;/b&gt; blocks a payload without the field; &lt;b&gt;editable&lt;/b&gt; lets stewards correct it.</source>
        <translation>&lt;b&gt;Einheit&lt;/b&gt; und &lt;b&gt;Dezimalstellen&lt;/b&gt; rechnen Mengen um und runden sie; &lt;b&gt;Max. Länge&lt;/b&gt; kürzt Text; &lt;b&gt;Code-Zuordnung&lt;/b&gt; wird als &lt;tt&gt;ambient=AMB, cool=COOL&lt;/tt&gt; geschrieben; &lt;b&gt;Datumsformat&lt;/b&gt; ist ein Muster wie &lt;tt&gt;dd.MM.yyyy&lt;/tt&gt;; &lt;b&gt;Pflicht&lt;/b&gt; blockiert Nutzdaten ohne das Feld; &lt;b&gt;Änderbar&lt;/b&gt; erlaubt Stewards, es zu korrigieren.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview&lt;/b&gt;: pick an object (Ctrl+L). The payload the edited contract makes is shown with the differences from what the target last acknowledged (changed fields in bold, with the kind of change). It is recomputed shortly after every edit.</source>
        <translation>&lt;b&gt;Vorschau&lt;/b&gt;: ein Objekt wählen (Strg+L). Die Nutzdaten, die der bearbeitete Vertrag erzeugt, werden mit den Unterschieden zu dem angezeigt, was das Zielsystem zuletzt bestätigt hat (geänderte Felder fett, mit der Art der Änderung). Sie werden kurz nach jeder Bearbeitung neu berechnet.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Issues&lt;/b&gt; appear on the field&apos;s row (an icon and a tooltip) and in the list below: a red icon blocks the delivery, a yellow one loses information but is sent with a warning.</source>
        <translation>&lt;b&gt;Probleme&lt;/b&gt; erscheinen in der Zeile des Felds (ein Symbol und ein Tooltip) und in der Liste darunter: Ein rotes Symbol blockiert die Zustellung, ein gelbes verliert Informationen, die Zustellung wird aber mit einer Warnung gesendet.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Save as proposal…&lt;/b&gt; (Ctrl+S, admins only) asks for a reason and an effective time and proposes the whole contracts document with a new version. The core checks it, runs its test samples and a trial on real objects, and shows the summary, or why it refused.</source>
        <translation>&lt;b&gt;Als Vorschlag speichern…&lt;/b&gt; (Strg+S, nur Admins) fragt nach einer Begründung und einem Wirksamkeitszeitpunkt und schlägt das gesamte Vertragsdokument mit einer neuen Version vor. Der Kern prüft es, führt seine Testbeispiele und einen Probelauf mit echten Objekten aus und zeigt die Zusammenfassung oder den Grund der Ablehnung.</translation>
    </message>
    <message>
        <source>Keys: F2 or typing edits a cell, Space toggles a flag, Ctrl+N adds a field, Ctrl+Delete removes it, Alt+Up and Alt+Down move it, Ctrl+Z undoes, Ctrl+Shift+Z redoes, F5 previews now, F1 shows this page.</source>
        <translation>Tasten: F2 oder Tippen bearbeitet eine Zelle, die Leertaste schaltet ein Kennzeichen um, Strg+N fügt ein Feld hinzu, Strg+Delete entfernt es, Alt+Up und Alt+Down verschieben es, Strg+Z macht rückgängig, Strg+Umschalt+Z stellt wieder her, F5 erstellt sofort die Vorschau, F1 zeigt diese Seite.</translation>
    </message>
    <message>
        <source>Ctrl+M</source>
        <translation>Strg+M</translation>
    </message>
    <message>
        <source>The mapping editor (F1 there: its keys)</source>
        <translation>Der Mapping-Editor (dort F1: seine Tasten)</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>&lt;p&gt;What needs a human now: the alerts the core&apos;s rules raised (stale deliveries past their SLA, watched attributes that changed, too many open exceptions, a target down too long).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Was jetzt menschliches Eingreifen braucht: die Alarme, die die Regeln des Kerns ausgelöst haben (Zustellungen, die ihre SLA überschritten haben, geänderte überwachte Attribute, zu viele offene Ausnahmen, ein zu lange ausgefallenes Zielsystem).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Status&lt;/b&gt;: open, acknowledged, cleared or all, with the number of each.</source>
        <translation>&lt;b&gt;Status&lt;/b&gt;: offen, quittiert, aufgehoben oder alle, jeweils mit ihrer Anzahl.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Detail&lt;/b&gt;: why the alert fired in words (the changes old → new and their source, the referenced objects, the overdue count, since when a target is down), the notifications sent, and the raw details one click away.</source>
        <translation>&lt;b&gt;Detail&lt;/b&gt;: in Worten, warum der Alarm ausgelöst wurde (die Änderungen alt → neu und ihre Quelle, die referenzierten Objekte, die Zahl der überfälligen Revisionen, seit wann ein Zielsystem ausgefallen ist), die gesendeten Benachrichtigungen und die Rohdetails einen Klick entfernt.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Show object&lt;/b&gt; opens the lineage of the object the alert names (the links in the detail open the referenced objects); &lt;b&gt;Show exceptions&lt;/b&gt; the backlog filtered to its domain, target and object; &lt;b&gt;Show in matrix&lt;/b&gt; the propagation matrix of its domain and target. Enter or a double-click does the first that applies.</source>
        <translation>&lt;b&gt;Objekt anzeigen&lt;/b&gt; öffnet die Herkunft des Objekts, das der Alarm nennt (die Links im Detail öffnen die referenzierten Objekte); &lt;b&gt;Ausnahmen anzeigen&lt;/b&gt; den Rückstand, gefiltert nach seiner Domäne, seinem Zielsystem und Objekt; &lt;b&gt;In der Matrix anzeigen&lt;/b&gt; die Verteilungsmatrix seiner Domäne und seines Zielsystems. Die Eingabetaste oder ein Doppelklick führt die erste zutreffende Aktion aus.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Acknowledge…&lt;/b&gt; an open alert with an optional note (stewards, approvers and admins); it is recorded with your name in the audit log. A condition alert clears by itself when the condition no longer holds.</source>
        <translation>&lt;b&gt;Quittieren…&lt;/b&gt; eines offenen Alarms mit einer optionalen Notiz (Stewards, Freigeber und Admins); die Quittierung wird mit Ihrem Namen im Prüfprotokoll festgehalten. Ein Zustandsalarm hebt sich von selbst auf, sobald der Zustand nicht mehr besteht.</translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+7</source>
        <translation>Strg+1 … Strg+7</translation>
    </message>
    <message>
        <source>Dashboard, matrix, lineage, exceptions, policies, audit, alerts</source>
        <translation>Übersicht, Matrix, Herkunft, Ausnahmen, Richtlinien, Prüfprotokoll, Alarme</translation>
    </message>
    <message>
        <source>&lt;b&gt;Duplicate suspect&lt;/b&gt; (category &lt;tt&gt;duplicate_suspect&lt;/tt&gt;): a created object that looks like an existing one; the Problem tab shows the two side by side. If they are different objects, give the reason and click &lt;b&gt;Not a duplicate&lt;/b&gt;: the decision is remembered for the pair, the suspect is resolved, both objects&apos; lineage and the audit log record it, and the pair is never raised again (a stewards&apos; or admins&apos; action; also &lt;tt&gt;mdsyncctl duplicates dismiss&lt;/tt&gt;). If they are one object, give the reason and click &lt;b&gt;Merge into&lt;/b&gt; the one that stays: the other is retired at the targets (or redirected, as each target&apos;s contract says), its key becomes an alias, and objects that reference it get new revisions that reference the survivor. In a domain with critical attribute groups an approver other than you approves the merge here (&lt;b&gt;Approve merge&lt;/b&gt; / &lt;b&gt;Reject merge&lt;/b&gt;; also &lt;tt&gt;mdsyncctl duplicates merge&lt;/tt&gt; and &lt;tt&gt;approve-merge&lt;/tt&gt;).</source>
        <translation>&lt;b&gt;Dublettenverdacht&lt;/b&gt; (Kategorie &lt;tt&gt;duplicate_suspect&lt;/tt&gt;): ein angelegtes Objekt, das einem vorhandenen ähnelt; der Reiter „Problem“ zeigt beide nebeneinander. Sind es verschiedene Objekte, geben Sie den Grund an und klicken Sie &lt;b&gt;Keine Dublette&lt;/b&gt;: Die Entscheidung wird für das Paar gemerkt, der Verdacht gelöst, die Herkunft beider Objekte und das Audit-Log halten es fest, und das Paar wird nie wieder gemeldet (eine Aktion für Stewards oder Admins; auch &lt;tt&gt;mdsyncctl duplicates dismiss&lt;/tt&gt;). Ist es ein Objekt, geben Sie den Grund an und klicken Sie &lt;b&gt;In … zusammenführen&lt;/b&gt; für das Objekt, das bleibt: Das andere wird in den Zielsystemen stillgelegt (oder umgeleitet, wie es der Vertrag des Zielsystems sagt), sein Schlüssel wird zum Alias, und Objekte, die darauf verweisen, erhalten neue Revisionen mit Verweis auf das verbleibende Objekt. In einer Domäne mit kritischen Attributgruppen genehmigt ein anderer Genehmiger die Zusammenführung hier (&lt;b&gt;Zusammenführung genehmigen&lt;/b&gt; / &lt;b&gt;Zusammenführung ablehnen&lt;/b&gt;; auch &lt;tt&gt;mdsyncctl duplicates merge&lt;/tt&gt; und &lt;tt&gt;approve-merge&lt;/tt&gt;).</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::HelpWindow</name>
    <message>
        <source>MDSync help</source>
        <translation>MDSync-Hilfe</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::Keyring</name>
    <message>
        <source>the desktop keyring (Secret Service) is not available: %1</source>
        <translation>der Schlüsselbund des Desktops (Secret Service) ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>the desktop keyring failed: %1</source>
        <translation>der Schlüsselbund des Desktops meldet einen Fehler: %1</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::LanguageMenu</name>
    <message>
        <source>La&amp;nguage</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>&amp;System default</source>
        <translation>&amp;Systemstandard</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The new language takes effect the next time MDSync starts.</source>
        <translation>Die neue Sprache gilt ab dem nächsten Start von MDSync.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::LineageView</name>
    <message>
        <source>Object key, e.g. FG-1000</source>
        <translation>Objektschlüssel, z. B. FG-1000</translation>
    </message>
    <message>
        <source>Show lineage</source>
        <translation>Herkunft zeigen</translation>
    </message>
    <message>
        <source>Object:</source>
        <translation>Objekt:</translation>
    </message>
    <message>
        <source>Click an event for its details and the revision&apos;s changes. Wheel: zoom, drag: pan.</source>
        <translation>Klick auf ein Ereignis zeigt Details und die Änderungen der Revision. Mausrad: zoomen, Ziehen: verschieben.</translation>
    </message>
    <message>
        <source>Point in time: each attribute&apos;s value, owner and supplier</source>
        <translation>Zeitpunkt: Wert, führendes System und Lieferant jedes Attributs</translation>
    </message>
    <message>
        <source>Show authority at this time</source>
        <translation>Stand zu diesem Zeitpunkt zeigen</translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation>Attribut</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Führendes System</translation>
    </message>
    <message>
        <source>Supplied by</source>
        <translation>Geliefert von</translation>
    </message>
    <message>
        <source>Revision</source>
        <translation>Revision</translation>
    </message>
    <message>
        <source>revision %1</source>
        <translation>Revision %1</translation>
    </message>
    <message>
        <source> by %1</source>
        <translation> von %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2: %n event(s), correlation %3</source>
        <translation>
            <numerusform>%1 %2: %n Ereignis, Korrelation %3</numerusform>
            <numerusform>%1 %2: %n Ereignisse, Korrelation %3</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>

Revision %1 from %2 (%3), changes:
</source>
        <translation>

Revision %1 von %2 (%3), Änderungen:
</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>At %1: revision %2, landscape %3</source>
        <translation>Am %1: Revision %2, Systemlandschaft %3</translation>
    </message>
    <message>
        <source>At %1 the object did not exist yet</source>
        <translation>Am %1 existierte das Objekt noch nicht</translation>
    </message>
    <message>
        <source> via steward %1</source>
        <translation> über Steward %1</translation>
    </message>
    <message>
        <source>, approved by %1</source>
        <translation>, freigegeben von %1</translation>
    </message>
    <message>
        <source>Lineage</source>
        <translation>Herkunft</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::MainWindow</name>
    <message>
        <source>MDSync Control Tower</source>
        <translation>MDSync Control Tower</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open the &amp;live demo</source>
        <translation>&amp;Live-Demo öffnen</translation>
    </message>
    <message>
        <source>&amp;New workspace…</source>
        <translation>&amp;Neuer Arbeitsbereich…</translation>
    </message>
    <message>
        <source>&amp;Open workspace…</source>
        <translation>Arbeitsbereich ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Close workspace</source>
        <translation>Arbeitsbereich &amp;schließen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>Ü&amp;bersicht</translation>
    </message>
    <message>
        <source>&amp;Propagation matrix</source>
        <translation>&amp;Verteilungsmatrix</translation>
    </message>
    <message>
        <source>&amp;Lineage</source>
        <translation>&amp;Herkunft</translation>
    </message>
    <message>
        <source>&amp;Exceptions</source>
        <translation>Aus&amp;nahmen</translation>
    </message>
    <message>
        <source>P&amp;olicies</source>
        <translation>&amp;Richtlinien</translation>
    </message>
    <message>
        <source>&amp;Audit</source>
        <translation>&amp;Prüfprotokoll</translation>
    </message>
    <message>
        <source>&amp;Core</source>
        <translation>&amp;Kern</translation>
    </message>
    <message>
        <source>&amp;Pause sending</source>
        <translation>Senden &amp;anhalten</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About MDSync</source>
        <translation>Ü&amp;ber MDSync</translation>
    </message>
    <message>
        <source>About MDSync</source>
        <translation>Über MDSync</translation>
    </message>
    <message>
        <source>&lt;h3&gt;MDSync Control Tower %1&lt;/h3&gt;&lt;p&gt;Governed master data synchronisation for manufacturers: PLM, ERP, MES, WMS and more, with stewardship and audit.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MDSync Control Tower %1&lt;/h3&gt;&lt;p&gt;Geregelte Stammdatensynchronisation für Fertigungsunternehmen: PLM, ERP, MES, WMS und mehr, mit Datenpflege und Prüfprotokoll.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Core: %1</source>
        <translation>Kern: %1</translation>
    </message>
    <message>
        <source>MDSync core</source>
        <translation>MDSync-Kern</translation>
    </message>
    <message>
        <source>%1 — MDSync Control Tower</source>
        <translation>%1 — MDSync Control Tower</translation>
    </message>
    <message>
        <source>No workspace</source>
        <translation>Kein Arbeitsbereich</translation>
    </message>
    <message>
        <source>Core stopped</source>
        <translation>Kern gestoppt</translation>
    </message>
    <message>
        <source>Core starting…</source>
        <translation>Kern startet…</translation>
    </message>
    <message>
        <source>Core running</source>
        <translation>Kern läuft</translation>
    </message>
    <message>
        <source>Core paused (not sending)</source>
        <translation>Kern angehalten (sendet nicht)</translation>
    </message>
    <message>
        <source>Core failed</source>
        <translation>Kern ausgefallen</translation>
    </message>
    <message>
        <source>Backlog: %L1</source>
        <translation>Rückstand: %L1</translation>
    </message>
    <message>
        <source>Open exceptions: %L1</source>
        <translation>Offene Ausnahmen: %L1</translation>
    </message>
    <message numerus="yes">
        <source>%1 (and %n more)</source>
        <translation>
            <numerusform>%1 (und %n weitere)</numerusform>
            <numerusform>%1 (und %n weitere)</numerusform>
        </translation>
    </message>
    <message>
        <source>MDSync alert</source>
        <translation>MDSync-Alarm</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Alarm: %1</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>MDSync workspaces (*.mdsync);;All files (*)</source>
        <translation>MDSync-Arbeitsbereiche (*.mdsync);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>&amp;Help for this view</source>
        <translation>&amp;Hilfe zu dieser Ansicht</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>Create a workspace</source>
        <translation>Arbeitsbereich anlegen</translation>
    </message>
    <message>
        <source>The workspace was not created.</source>
        <translation>Der Arbeitsbereich wurde nicht angelegt.</translation>
    </message>
    <message>
        <source>Open &amp;shared workspace…</source>
        <translation>&amp;Gemeinsamen Arbeitsbereich öffnen…</translation>
    </message>
    <message>
        <source>Shared workspace: deliveries sent by the workspace&apos;s service</source>
        <translation>Gemeinsamer Arbeitsbereich: Zustellungen sendet der Dienst des Arbeitsbereichs</translation>
    </message>
    <message>
        <source>On a shared workspace the workspace&apos;s service (mdsyncctl run) sends the deliveries; a target is paused for everyone with mdsyncctl pause --target</source>
        <translation>In einem gemeinsamen Arbeitsbereich sendet der Dienst des Arbeitsbereichs (mdsyncctl run) die Zustellungen; ein Zielsystem wird für alle mit mdsyncctl pause --target angehalten</translation>
    </message>
    <message>
        <source>&amp;Mapping editor…</source>
        <translation>&amp;Mapping-Editor…</translation>
    </message>
    <message>
        <source>A&amp;lerts</source>
        <translation>&amp;Alarme</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::MappingEditor</name>
    <message>
        <source>On loss: block</source>
        <translation>Bei Verlust: blockieren</translation>
    </message>
    <message>
        <source>On loss: warn</source>
        <translation>Bei Verlust: warnen</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Mapping editor</source>
        <translation>Mapping-Editor</translation>
    </message>
    <message>
        <source>block the delivery</source>
        <translation>Zustellung blockieren</translation>
    </message>
    <message>
        <source>send with a warning</source>
        <translation>mit einer Warnung senden</translation>
    </message>
    <message>
        <source>What an issue that loses information (a cut text, a rounding, a code without target value) does: on_loss</source>
        <translation>Was ein Problem mit Informationsverlust (ein gekürzter Text, eine Rundung, ein Code ohne Zielwert) bewirkt: on_loss</translation>
    </message>
    <message>
        <source>On &amp;loss:</source>
        <translation>Bei &amp;Verlust:</translation>
    </message>
    <message>
        <source>object key…</source>
        <translation>Objektschlüssel…</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Zielsystem:</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Domäne:</translation>
    </message>
    <message>
        <source>Preview &amp;object:</source>
        <translation>Vorschau-&amp;Objekt:</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Add field</source>
        <translation>Feld hinzufügen</translation>
    </message>
    <message>
        <source>Remove field</source>
        <translation>Feld entfernen</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Preview now</source>
        <translation>Vorschau jetzt erstellen</translation>
    </message>
    <message>
        <source>Save as proposal…</source>
        <translation>Als Vorschlag speichern…</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Hilfe</translation>
    </message>
    <message>
        <source>Pick an object</source>
        <translation>Objekt wählen</translation>
    </message>
    <message>
        <source>Target field</source>
        <translation>Zielfeld</translation>
    </message>
    <message>
        <source>Source (attribute, $key, =constant or {format})</source>
        <translation>Quelle (Attribut, $key, =constant oder {format})</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Einheit</translation>
    </message>
    <message>
        <source>Decimals</source>
        <translation>Dezimalstellen</translation>
    </message>
    <message>
        <source>Max length</source>
        <translation>Max. Länge</translation>
    </message>
    <message>
        <source>Code map</source>
        <translation>Code-Zuordnung</translation>
    </message>
    <message>
        <source>Date format</source>
        <translation>Datumsformat</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Pflicht</translation>
    </message>
    <message>
        <source>Editable</source>
        <translation>Änderbar</translation>
    </message>
    <message>
        <source>The payload the edited contract makes of the object</source>
        <translation>Die Nutzdaten, die der bearbeitete Vertrag aus dem Objekt erzeugt</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Edited contract</source>
        <translation>Bearbeiteter Vertrag</translation>
    </message>
    <message>
        <source>Last acknowledged</source>
        <translation>Zuletzt bestätigt</translation>
    </message>
    <message>
        <source>Loading the contracts in force…</source>
        <translation>Die geltenden Verträge werden geladen…</translation>
    </message>
    <message>
        <source>Cannot read the contracts in force: %1</source>
        <translation>Die geltenden Verträge können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Propose the edited contracts for a second admin&apos;s approval (%1)</source>
        <translation>Die bearbeiteten Verträge zur Freigabe durch einen zweiten Admin vorschlagen (%1)</translation>
    </message>
    <message>
        <source>Only admins can propose contract changes; %1 is not an admin</source>
        <translation>Nur Admins können Vertragsänderungen vorschlagen; %1 ist kein Admin</translation>
    </message>
    <message>
        <source>Discard the edits of %1 that were not proposed?</source>
        <translation>Die nicht vorgeschlagenen Änderungen an %1 verwerfen?</translation>
    </message>
    <message>
        <source>Contract &lt;b&gt;%1&lt;/b&gt; (contracts %2)</source>
        <translation>Vertrag &lt;b&gt;%1&lt;/b&gt; (Verträge %2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; has no contract yet (generic): a new one</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; hat noch keinen Vertrag (generisch): ein neuer</translation>
    </message>
    <message>
        <source>Edit a cell with F2 or by typing; Ctrl+Z undoes, Ctrl+Shift+Z redoes.</source>
        <translation>Eine Zelle mit F2 oder durch Tippen bearbeiten; Strg+Z macht rückgängig, Strg+Umschalt+Z stellt wieder her.</translation>
    </message>
    <message>
        <source>Cannot list the objects: %1</source>
        <translation>Die Objekte können nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>Remove field %1</source>
        <translation>Feld %1 entfernen</translation>
    </message>
    <message>
        <source>Move field %1</source>
        <translation>Feld %1 verschieben</translation>
    </message>
    <message numerus="yes">
        <source>A table: %n column(s) mapped row by row (kept as they are)</source>
        <translation>
            <numerusform>Eine Tabelle: %n Spalte, zeilenweise abgebildet (unverändert übernommen)</numerusform>
            <numerusform>Eine Tabelle: %n Spalten, zeilenweise abgebildet (unverändert übernommen)</numerusform>
        </translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Rename field %1 to %2</source>
        <translation>Feld %1 in %2 umbenennen</translation>
    </message>
    <message>
        <source>Source of %1: %2</source>
        <translation>Quelle von %1: %2</translation>
    </message>
    <message>
        <source>Unit of %1</source>
        <translation>Einheit von %1</translation>
    </message>
    <message>
        <source>Decimals of %1</source>
        <translation>Dezimalstellen von %1</translation>
    </message>
    <message>
        <source>Max length of %1</source>
        <translation>Max. Länge von %1</translation>
    </message>
    <message>
        <source>Code map of %1</source>
        <translation>Code-Zuordnung von %1</translation>
    </message>
    <message>
        <source>Date format of %1</source>
        <translation>Datumsformat von %1</translation>
    </message>
    <message>
        <source>Required: %1</source>
        <translation>Pflicht: %1</translation>
    </message>
    <message>
        <source>Editable: %1</source>
        <translation>Änderbar: %1</translation>
    </message>
    <message>
        <source>Pick an object (Ctrl+L) to preview its payload.</source>
        <translation>Ein Objekt wählen (Strg+L), um eine Vorschau seiner Nutzdaten zu sehen.</translation>
    </message>
    <message>
        <source>Previewing %1…</source>
        <translation>Vorschau für %1 wird erstellt…</translation>
    </message>
    <message>
        <source>No preview: the edited contract does not load or the object cannot be read.</source>
        <translation>Keine Vorschau: Der bearbeitete Vertrag lässt sich nicht laden oder das Objekt kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>%1 has acknowledged nothing of %2 yet: every field is new.</source>
        <translation>%1 hat von %2 noch nichts bestätigt: Jedes Feld ist neu.</translation>
    </message>
    <message>
        <source>Compared with what %1 acknowledged for %2 at %3: a steward&apos;s corrected payload of revision %4. The edited contract maps revision %5.</source>
        <translation>Verglichen mit dem, was %1 für %2 am %3 bestätigt hat: von einem Steward korrigierte Nutzdaten der Revision %4. Der bearbeitete Vertrag bildet Revision %5 ab.</translation>
    </message>
    <message>
        <source>Compared with what %1 acknowledged for %2 at %3: revision %4 mapped by contracts %5. The edited contract maps revision %6.</source>
        <translation>Verglichen mit dem, was %1 für %2 am %3 bestätigt hat: Revision %4, abgebildet durch Verträge %5. Der bearbeitete Vertrag bildet Revision %6 ab.</translation>
    </message>
    <message>
        <source>added</source>
        <translation>hinzugefügt</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>entfernt</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>geändert</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Blocks (information lost): %1</source>
        <translation>Blockiert (Informationsverlust): %1</translation>
    </message>
    <message>
        <source>Blocks: %1</source>
        <translation>Blockiert: %1</translation>
    </message>
    <message>
        <source>Information lost, sent with a warning: %1</source>
        <translation>Informationsverlust, wird mit einer Warnung gesendet: %1</translation>
    </message>
    <message>
        <source>No issues: %1 maps without loss.</source>
        <translation>Keine Probleme: %1 wird ohne Verlust abgebildet.</translation>
    </message>
    <message numerus="yes">
        <source>%n field(s) differ from what %1 last acknowledged.</source>
        <translation>
            <numerusform>%n Feld weicht von dem ab, was %1 zuletzt bestätigt hat.</numerusform>
            <numerusform>%n Felder weichen von dem ab, was %1 zuletzt bestätigt hat.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> Unsaved edits: %n (Ctrl+S proposes them).</source>
        <translation>
            <numerusform> Nicht gespeicherte Änderungen: %n (Strg+S schlägt sie vor).</numerusform>
            <numerusform> Nicht gespeicherte Änderungen: %n (Strg+S schlägt sie vor).</numerusform>
        </translation>
    </message>
    <message>
        <source>Save as proposal</source>
        <translation>Als Vorschlag speichern</translation>
    </message>
    <message>
        <source>Mapping %1</source>
        <translation>Mapping %1</translation>
    </message>
    <message>
        <source>Why (a change request, a target release)…</source>
        <translation>Warum (ein Änderungsantrag, ein neues Release des Zielsystems)…</translation>
    </message>
    <message>
        <source>Takes effect on approval</source>
        <translation>Wird mit der Freigabe wirksam</translation>
    </message>
    <message>
        <source>Contracts &amp;version:</source>
        <translation>Vertrags&amp;version:</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Titel:</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Begründung:</translation>
    </message>
    <message>
        <source>&amp;Effective at:</source>
        <translation>&amp;Wirksam ab:</translation>
    </message>
    <message>
        <source>Propose</source>
        <translation>Vorschlagen</translation>
    </message>
    <message>
        <source>Proposing contracts %1…</source>
        <translation>Verträge %1 werden vorgeschlagen…</translation>
    </message>
    <message>
        <source>The proposal was refused: %1</source>
        <translation>Der Vorschlag wurde abgelehnt: %1</translation>
    </message>
    <message>
        <source>The core refused the proposal; nothing was stored.</source>
        <translation>Der Kern hat den Vorschlag abgelehnt; es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>Proposal #%1 is waiting for another admin&apos;s approval.</source>
        <translation>Vorschlag #%1 wartet auf die Freigabe durch einen anderen Admin.</translation>
    </message>
    <message>
        <source>Proposal #%1 was stored; another admin approves it (mdsyncctl approve-change --id %1).</source>
        <translation>Vorschlag #%1 wurde gespeichert; ein anderer Admin gibt ihn frei (mdsyncctl approve-change --id %1).</translation>
    </message>
    <message>
        <source>Discard the edits that were not proposed?</source>
        <translation>Die nicht vorgeschlagenen Änderungen verwerfen?</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::MatrixModel</name>
    <message>
        <source>%1 (%2)%3</source>
        <translation>%1 (%2)%3</translation>
    </message>
    <message>
        <source>, plants %1</source>
        <translation>, Werke %1</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Rev</source>
        <translation>Rev.</translation>
    </message>
    <message>
        <source>Lifecycle</source>
        <translation>Lebenszyklus</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>%1 subscribes to %2, but its subscription filter excludes this object</source>
        <translation>%1 abonniert %2, aber sein Abonnementfilter schließt dieses Objekt aus</translation>
    </message>
    <message>
        <source>%1 does not subscribe to %2</source>
        <translation>%1 abonniert %2 nicht</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; at %2&lt;br&gt;revision %3 (object at revision %4)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; bei %2&lt;br&gt;Revision %3 (Objekt auf Revision %4)</translation>
    </message>
    <message>
        <source>&lt;br&gt;last acknowledged: revision %1</source>
        <translation>&lt;br&gt;zuletzt bestätigt: Revision %1</translation>
    </message>
    <message>
        <source>&lt;br&gt;status for %1</source>
        <translation>&lt;br&gt;Status seit %1</translation>
    </message>
    <message>
        <source>&lt;br&gt;attempts: %1</source>
        <translation>&lt;br&gt;Versuche: %1</translation>
    </message>
    <message>
        <source>&lt;br&gt;last error: %1</source>
        <translation>&lt;br&gt;letzter Fehler: %1</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::MatrixView</name>
    <message>
        <source>Filter: key prefix or description…</source>
        <translation>Schlüsselpräfix oder Beschreibung…</translation>
    </message>
    <message>
        <source>All domains</source>
        <translation>Alle Domänen</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>backlog (not delivered yet)</source>
        <translation>Rückstand (noch nicht zugestellt)</translation>
    </message>
    <message>
        <source>at any system</source>
        <translation>bei einem beliebigen System</translation>
    </message>
    <message>
        <source>All plants</source>
        <translation>Alle Werke</translation>
    </message>
    <message>
        <source>Any age</source>
        <translation>Jedes Alter</translation>
    </message>
    <message>
        <source>Changed &gt; 15 min ago</source>
        <translation>Geändert vor &gt; 15 min</translation>
    </message>
    <message>
        <source>Changed &gt; 1 h ago</source>
        <translation>Geändert vor &gt; 1 h</translation>
    </message>
    <message>
        <source>Changed &gt; 1 day ago</source>
        <translation>Geändert vor &gt; 1 Tag</translation>
    </message>
    <message>
        <source>Select an object to see its revisions at each system.</source>
        <translation>Ein Objekt auswählen, um seine Revisionen in jedem System zu sehen.</translation>
    </message>
    <message>
        <source>Cannot read the workspace: %1</source>
        <translation>Der Arbeitsbereich kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>bei %1</translation>
    </message>
    <message>
        <source>Plant %1</source>
        <translation>Werk %1</translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation>Abfrage fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Filtering…</source>
        <translation>Wird gefiltert…</translation>
    </message>
    <message>
        <source>%L1 objects (%2 ms)</source>
        <translation>%L1 Objekte (%2 ms)</translation>
    </message>
    <message>
        <source>Revisions of %1 %2 (newest first; double-click a row above for its lineage)</source>
        <translation>Revisionen von %1 %2 (neueste zuerst; Doppelklick auf eine Zeile oben zeigt ihre Herkunft)</translation>
    </message>
    <message>
        <source>Rev</source>
        <translation>Rev.</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Propagation</source>
        <translation>Verteilung</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::NewWorkspaceDialog</name>
    <message>
        <source>Create a workspace</source>
        <translation>Arbeitsbereich anlegen</translation>
    </message>
    <message>
        <source>plant.mdsync</source>
        <translation>werk.mdsync</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Workspace file</source>
        <translation>Arbeitsbereichsdatei</translation>
    </message>
    <message>
        <source>MDSync workspaces (*.mdsync)</source>
        <translation>MDSync-Arbeitsbereiche (*.mdsync)</translation>
    </message>
    <message>
        <source>The built-in example landscape</source>
        <translation>Die eingebaute Beispiel-Systemlandschaft</translation>
    </message>
    <message>
        <source>A landscape file:</source>
        <translation>Eine Systemlandschaftsdatei:</translation>
    </message>
    <message>
        <source>landscape.json</source>
        <translation>landscape.json</translation>
    </message>
    <message>
        <source>Landscape file</source>
        <translation>Systemlandschaftsdatei</translation>
    </message>
    <message>
        <source>Landscape (*.json);;All files (*)</source>
        <translation>Systemlandschaft (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The landscape lists your systems, which system owns each attribute group and which systems subscribe to which objects; LANDSCAPE.md in the documentation describes the file.</source>
        <translation>Die Systemlandschaft listet Ihre Systeme auf, welches System für jede Attributgruppe führend ist und welche Systeme welche Objekte abonnieren; LANDSCAPE.md in der Dokumentation beschreibt die Datei.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Workspace file:</source>
        <translation>Arbeitsbereichsdatei:</translation>
    </message>
    <message>
        <source>Start from:</source>
        <translation>Ausgehend von:</translation>
    </message>
    <message>
        <source>Choose where the workspace file goes.</source>
        <translation>Wählen, wo die Arbeitsbereichsdatei gespeichert wird.</translation>
    </message>
    <message>
        <source>Choose a landscape file, or start from the built-in example.</source>
        <translation>Eine Systemlandschaftsdatei wählen oder vom eingebauten Beispiel ausgehen.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::PoliciesView</name>
    <message>
        <source>Domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Zielsystem</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>Muster</translation>
    </message>
    <message>
        <source>SLA</source>
        <translation>SLA</translation>
    </message>
    <message>
        <source>Criticality</source>
        <translation>Kritikalität</translation>
    </message>
    <message>
        <source>Contract version</source>
        <translation>Vertragsversion</translation>
    </message>
    <message>
        <source>Window (UTC)</source>
        <translation>Zeitfenster (UTC)</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>Abonnement</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>On loss</source>
        <translation>Bei Verlust</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>Felder</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Pflichtfelder</translation>
    </message>
    <message>
        <source>Editable by stewards</source>
        <translation>Durch Stewards änderbar</translation>
    </message>
    <message>
        <source>Used by subscriptions</source>
        <translation>Verwendet von Abonnements</translation>
    </message>
    <message>
        <source>always</source>
        <translation>immer</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Contracts not shown: %1</source>
        <translation>Verträge nicht angezeigt: %1</translation>
    </message>
    <message>
        <source>block</source>
        <translation>blockieren</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>warnen</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Ownership</source>
        <translation>Datenhoheit</translation>
    </message>
    <message>
        <source>Subscriptions</source>
        <translation>Abonnements</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>Verträge</translation>
    </message>
    <message>
        <source>Cannot read the policies: %1</source>
        <translation>Die Richtlinien können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <source>Attribute group</source>
        <translation>Attributgruppe</translation>
    </message>
    <message>
        <source>Owning system</source>
        <translation>Führendes System</translation>
    </message>
    <message>
        <source>Model %1 · %2 ownership rules in force (%3 groups without owner) · %4 subscriptions · %5 contracts</source>
        <translation>Modell %1 · %2 Hoheitsregeln in Kraft (%3 Gruppen ohne führendes System) · %4 Abonnements · %5 Verträge</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>Richtlinien</translation>
    </message>
    <message>
        <source>&amp;Edit mapping…</source>
        <translation>Mapping &amp;bearbeiten…</translation>
    </message>
    <message>
        <source>Open the mapping editor on the contract of the selected subscription or contract</source>
        <translation>Den Mapping-Editor für den Vertrag des ausgewählten Abonnements bzw. den ausgewählten Vertrag öffnen</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::SharedWorkspaceDialog</name>
    <message>
        <source>Open shared workspace</source>
        <translation>Gemeinsamen Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>(new connection)</source>
        <translation>(neue Verbindung)</translation>
    </message>
    <message>
        <source>db.plant.example (empty: the local socket or PGHOST)</source>
        <translation>db.werk.example (leer: der lokale Socket oder PGHOST)</translation>
    </message>
    <message>
        <source>your database login (empty: PGUSER or your OS login)</source>
        <translation>Ihr Datenbank-Login (leer: PGUSER oder Ihr Systemlogin)</translation>
    </message>
    <message>
        <source>a name in ~/.pg_service.conf; replaces the fields above</source>
        <translation>ein Name in ~/.pg_service.conf; ersetzt die Felder darüber</translation>
    </message>
    <message>
        <source>&amp;Recent:</source>
        <translation>&amp;Zuletzt:</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Datenbank:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>or &amp;service:</source>
        <translation>oder &amp;Dienst:</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>Connected to %1 as %2: an MDSync workspace (schema version %3).</source>
        <translation>Verbunden mit %1 als %2: ein MDSync-Arbeitsbereich (Schemaversion %3).</translation>
    </message>
    <message>
        <source>optional: empty for ~/.pgpass or the service file</source>
        <translation>optional: leer für ~/.pgpass oder die Service-Datei</translation>
    </message>
    <message>
        <source>Sa&amp;ve password in the desktop keyring</source>
        <translation>Passwort im Schlüsselbund des Desktops &amp;speichern</translation>
    </message>
    <message>
        <source>&amp;Forget saved password</source>
        <translation>Gespeichertes Passwort &amp;vergessen</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>The password is the one typed above (kept in memory for this session only), or the one saved in the desktop keyring for this connection, or libpq reads it from ~/.pgpass (or the file PGPASSFILE names) or the service file, or the server authenticates you without one (Kerberos, peer). It is never written to the settings or shown.</source>
        <translation>Das Passwort ist das oben eingegebene (nur für diese Sitzung im Speicher), das im Schlüsselbund des Desktops für diese Verbindung gespeicherte, oder libpq liest es aus ~/.pgpass (oder der Datei, die PGPASSFILE nennt) oder der Service-Datei, oder der Server authentifiziert Sie ohne Passwort (Kerberos, peer). Es wird nie in die Einstellungen geschrieben oder angezeigt.</translation>
    </message>
    <message>
        <source>password from the keyring</source>
        <translation>Passwort aus dem Schlüsselbund</translation>
    </message>
    <message>
        <source>The password saved in the desktop keyring for this connection is used.</source>
        <translation>Das im Schlüsselbund des Desktops gespeicherte Passwort dieser Verbindung wird verwendet.</translation>
    </message>
    <message>
        <source>No password saved in the desktop keyring for this connection.</source>
        <translation>Für diese Verbindung ist kein Passwort im Schlüsselbund des Desktops gespeichert.</translation>
    </message>
    <message>
        <source>No saved password: %1. The password comes from ~/.pgpass or the service file, or type it (kept for this session only).</source>
        <translation>Kein gespeichertes Passwort: %1. Das Passwort kommt aus ~/.pgpass oder der Service-Datei, oder geben Sie es ein (nur für diese Sitzung).</translation>
    </message>
    <message>
        <source>The saved password is forgotten: it is no longer in the desktop keyring.</source>
        <translation>Das gespeicherte Passwort ist vergessen: Es ist nicht mehr im Schlüsselbund des Desktops.</translation>
    </message>
    <message>
        <source>The saved password could not be forgotten: %1</source>
        <translation>Das gespeicherte Passwort konnte nicht vergessen werden: %1</translation>
    </message>
    <message>
        <source>Saving the password in the desktop keyring…</source>
        <translation>Das Passwort wird im Schlüsselbund des Desktops gespeichert…</translation>
    </message>
    <message>
        <source>The password is saved in the desktop keyring.</source>
        <translation>Das Passwort ist im Schlüsselbund des Desktops gespeichert.</translation>
    </message>
    <message>
        <source>The password was not saved: %1. Open again to connect without saving it.</source>
        <translation>Das Passwort wurde nicht gespeichert: %1. Erneut „Öffnen“, um ohne Speichern zu verbinden.</translation>
    </message>
    <message>
        <source>The password saved in the desktop keyring was used. If it has changed, type the new one: Open saves it in place of the old one.</source>
        <translation>Das im Schlüsselbund des Desktops gespeicherte Passwort wurde verwendet. Falls es sich geändert hat, geben Sie das neue ein: „Öffnen“ speichert es anstelle des alten.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::TimelineWidget</name>
    <message>
        <source>MDSync</source>
        <translation>MDSync</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::WelcomePage</name>
    <message>
        <source>&lt;h2&gt;MDSync Control Tower&lt;/h2&gt;&lt;p&gt;Master data propagation, exceptions and audit across your plant systems.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;MDSync Control Tower&lt;/h2&gt;&lt;p&gt;Stammdatenverteilung, Ausnahmen und Prüfprotokoll über alle Systeme Ihres Werks.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open the live demo</source>
        <translation>Live-Demo öffnen</translation>
    </message>
    <message>
        <source>A demo workspace with simulated PLM, ERP, MES, WMS and other systems, live traffic and faults.</source>
        <translation>Ein Demo-Arbeitsbereich mit simuliertem PLM, ERP, MES, WMS und weiteren Systemen, Live-Verkehr und Störungen.</translation>
    </message>
    <message>
        <source>Create a workspace from a landscape file</source>
        <translation>Arbeitsbereich aus einer Systemlandschaftsdatei anlegen</translation>
    </message>
    <message>
        <source>Your systems, ownership and subscriptions from a landscape file (or the built-in example).</source>
        <translation>Ihre Systeme, Datenhoheit und Abonnements aus einer Systemlandschaftsdatei (oder dem eingebauten Beispiel).</translation>
    </message>
    <message>
        <source>Open an existing workspace</source>
        <translation>Vorhandenen Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>A workspace file (.mdsync) made here or by mdsyncctl init.</source>
        <translation>Eine Arbeitsbereichsdatei (.mdsync), hier oder mit mdsyncctl init angelegt.</translation>
    </message>
    <message>
        <source>Recent workspaces</source>
        <translation>Zuletzt verwendete Arbeitsbereiche</translation>
    </message>
    <message>
        <source>Press %1 in any view for its help page.</source>
        <translation>In jeder Ansicht %1 drücken für ihre Hilfeseite.</translation>
    </message>
    <message>
        <source>Double-click or press Enter to open.</source>
        <translation>Doppelklick oder Eingabetaste zum Öffnen.</translation>
    </message>
    <message>
        <source>Open a shared workspace</source>
        <translation>Gemeinsamen Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <source>Your team&apos;s workspace on a PostgreSQL server (its service sends the deliveries).</source>
        <translation>Der Arbeitsbereich Ihres Teams auf einem PostgreSQL-Server (sein Dienst sendet die Zustellungen).</translation>
    </message>
    <message>
        <source>%1 (shared)</source>
        <translation>%1 (gemeinsam)</translation>
    </message>
</context>
</TS>
