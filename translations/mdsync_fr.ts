<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
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
            <numerusform>%n j</numerusform>
            <numerusform>%n j</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeliveryStatus</name>
    <message>
        <source>acked</source>
        <translation>acquitté</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>envoi en cours</translation>
    </message>
    <message>
        <source>held by dependency</source>
        <translation>retenu (dépendance)</translation>
    </message>
    <message>
        <source>retrying</source>
        <translation>à réessayer</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>en échec</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>remplacé</translation>
    </message>
    <message>
        <source>discarded</source>
        <translation>écarté</translation>
    </message>
    <message>
        <source>not subscribed</source>
        <translation>non abonné</translation>
    </message>
    <message>
        <source>waiting: target down</source>
        <translation>en attente : système cible en panne</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>critical</source>
        <translation>critique</translation>
    </message>
    <message>
        <source>high</source>
        <translation>élevée</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>moyenne</translation>
    </message>
    <message>
        <source>low</source>
        <translation>faible</translation>
    </message>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
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
        <translation>Lance la démo en direct (systèmes et trafic simulés) dans un nouvel espace de travail de démonstration.</translation>
    </message>
    <message>
        <source>The workspace file to open (or, with --demo, to create).</source>
        <translation>Le fichier d&apos;espace de travail à ouvrir (ou, avec --demo, à créer).</translation>
    </message>
    <message>
        <source>Render the view to this PNG file and quit.</source>
        <translation>Enregistre la vue dans ce fichier PNG, puis quitte.</translation>
    </message>
    <message>
        <source>Seconds of live traffic before the screenshot (default 8 with --demo).</source>
        <translation>Secondes de trafic en direct avant la capture d&apos;écran (8 par défaut avec --demo).</translation>
    </message>
    <message>
        <source>Seed of the demo traffic.</source>
        <translation>Graine du trafic de démonstration.</translation>
    </message>
    <message>
        <source>The workspace to open.</source>
        <translation>L&apos;espace de travail à ouvrir.</translation>
    </message>
    <message>
        <source>The user interface language (en, de, fr); default: the saved choice, else the system&apos;s.</source>
        <translation>La langue de l&apos;interface (en, de, fr)&#xa0;; par défaut&#xa0;: le choix enregistré, sinon celle du système.</translation>
    </message>
    <message>
        <source>The view to show: dashboard, matrix, lineage, exceptions, policies, audit, alerts, or all (with --screenshot: one file per view); welcome is the first-run page.</source>
        <translation>La vue à afficher&#xa0;: dashboard, matrix, lineage, exceptions, policies, audit, alerts ou all (avec --screenshot&#xa0;: un fichier par vue)&#xa0;; welcome est la page du premier démarrage.</translation>
    </message>
    <message>
        <source>Run the webhook (POST /events) of the opened workspace on this loopback port, like mdsyncctl run --listen; the token comes from the environment variable MDSYNC_WEBHOOK_TOKEN.</source>
        <translation>Exécuter le webhook (POST /events) de l&apos;espace de travail ouvert sur ce port de bouclage, comme mdsyncctl run --listen ; le jeton vient de la variable d&apos;environnement MDSYNC_WEBHOOK_TOKEN.</translation>
    </message>
    <message>
        <source>Watch this folder for change-event files for the opened workspace, like mdsyncctl run --inbox.</source>
        <translation>Surveiller ce dossier pour les fichiers d&apos;événements de modification de l&apos;espace de travail ouvert, comme mdsyncctl run --inbox.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::AlertsView</name>
    <message>
        <source>(none)</source>
        <translation>(aucune)</translation>
    </message>
    <message>
        <source>open</source>
        <translation>ouverte</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>acquittée</translation>
    </message>
    <message>
        <source>cleared</source>
        <translation>résolue</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Statut&#xa0;:</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvertes</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Acquittées</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>Résolues</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Toutes</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Règle</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Object or target</source>
        <translation>Objet ou cible</translation>
    </message>
    <message>
        <source>Fired</source>
        <translation>Déclenchée</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Dernière occurrence</translation>
    </message>
    <message>
        <source>Acknowledged by</source>
        <translation>Acquittée par</translation>
    </message>
    <message>
        <source>Show object</source>
        <translation>Afficher l&apos;objet</translation>
    </message>
    <message>
        <source>The lineage of the object the alert names</source>
        <translation>Le lignage de l&apos;objet mentionné par l&apos;alerte</translation>
    </message>
    <message>
        <source>Show exceptions</source>
        <translation>Afficher les exceptions</translation>
    </message>
    <message>
        <source>The exception backlog filtered to the alert&apos;s domain, target and object</source>
        <translation>L&apos;arriéré des exceptions filtré sur le domaine, la cible et l&apos;objet de l&apos;alerte</translation>
    </message>
    <message>
        <source>Show in matrix</source>
        <translation>Afficher dans la matrice</translation>
    </message>
    <message>
        <source>The propagation matrix filtered to the alert&apos;s domain and target</source>
        <translation>La matrice de propagation filtrée sur le domaine et la cible de l&apos;alerte</translation>
    </message>
    <message>
        <source>Acknowledge…</source>
        <translation>Acquitter…</translation>
    </message>
    <message>
        <source>Raw details</source>
        <translation>Détails bruts</translation>
    </message>
    <message>
        <source>Show the alert&apos;s details as stored (JSON)</source>
        <translation>Afficher les détails de l&apos;alerte tels qu&apos;ils sont enregistrés (JSON)</translation>
    </message>
    <message>
        <source>Select an alert to see why it fired.</source>
        <translation>Sélectionnez une alerte pour voir pourquoi elle s&apos;est déclenchée.</translation>
    </message>
    <message>
        <source>Cannot read the alerts: %1</source>
        <translation>Impossible de lire les alertes&#xa0;: %1</translation>
    </message>
    <message>
        <source>Open (%1)</source>
        <translation>Ouvertes (%1)</translation>
    </message>
    <message>
        <source>Acknowledged (%1)</source>
        <translation>Acquittées (%1)</translation>
    </message>
    <message>
        <source>Cleared (%1)</source>
        <translation>Résolues (%1)</translation>
    </message>
    <message>
        <source>All (%1)</source>
        <translation>Toutes (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) shown, newest first</source>
        <translation>
            <numerusform>%n alerte affichée, les plus récentes d&apos;abord</numerusform>
            <numerusform>%n alertes affichées, les plus récentes d&apos;abord</numerusform>
        </translation>
    </message>
    <message>
        <source>Object: %1</source>
        <translation>Objet&#xa0;: %1</translation>
    </message>
    <message>
        <source>Revision %1, from %2 (by %3, received %4)</source>
        <translation>Révision %1, de %2 (par %3, reçue le %4)</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <translation>%1&#xa0;: %2 → %3</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Changes:&lt;ul&gt;&lt;li&gt;%1&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>Modifications&#xa0;:&lt;ul&gt;&lt;li&gt;%1&lt;/li&gt;&lt;/ul&gt;</translation>
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
        <translation>Alors que les objets référencés sont dans l&apos;état suivant&#xa0;:&lt;ul&gt;&lt;li&gt;%1&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
    <message>
        <source>%1 revision(s) of %2 not acknowledged by %3 within the SLA of %4 min; the oldest received %5</source>
        <translation>%1 révision(s) de %2 non acquittée(s) par %3 dans le SLA de %4 min&#xa0;; la plus ancienne a été reçue le %5</translation>
    </message>
    <message>
        <source>For example: %1</source>
        <translation>Par exemple&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 open exceptions for %2 (more than %3)</source>
        <translation>%1 exceptions ouvertes pour %2 (plus de %3)</translation>
    </message>
    <message>
        <source>%1 is down since %2 (%3 min, the rule allows %4 min); %5 deliveries wait</source>
        <translation>%1 est en panne depuis %2 (%3 min, la règle autorise %4 min)&#xa0;; %5 livraisons en attente</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Dernière erreur&#xa0;: %1</translation>
    </message>
    <message>
        <source>Fired %1, last seen %2</source>
        <translation>Déclenchée le %1, dernière occurrence le %2</translation>
    </message>
    <message>
        <source>Acknowledged by %1 at %2</source>
        <translation>Acquittée par %1 le %2</translation>
    </message>
    <message>
        <source>Cleared at %1</source>
        <translation>Résolue le %1</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Notifications&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Notifications&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>✔ sent</source>
        <translation>✔ envoyée</translation>
    </message>
    <message>
        <source>✘ failed</source>
        <translation>✘ en échec</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;small&gt;No notification was sent for this alert.&lt;/small&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;small&gt;Aucune notification n&apos;a été envoyée pour cette alerte.&lt;/small&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Only stewards, approvers and admins can acknowledge alerts</source>
        <translation>Seuls les gestionnaires de données, les approbateurs et les admins peuvent acquitter les alertes</translation>
    </message>
    <message>
        <source>Only open alerts can be acknowledged</source>
        <translation>Seules les alertes ouvertes peuvent être acquittées</translation>
    </message>
    <message>
        <source>Acknowledge the alert, with an optional note (recorded in the audit log)</source>
        <translation>Acquitter l&apos;alerte, avec une note facultative (consignée dans le journal d&apos;audit)</translation>
    </message>
    <message>
        <source>Acknowledge alert #%1</source>
        <translation>Acquitter l&apos;alerte #%1</translation>
    </message>
    <message>
        <source>%1

Note (optional, recorded in the audit log):</source>
        <translation>%1

Note (facultative, consignée dans le journal d&apos;audit)&#xa0;:</translation>
    </message>
    <message>
        <source>Cannot acknowledge alert #%1: %2</source>
        <translation>Impossible d&apos;acquitter l&apos;alerte #%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertes</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::AuditLogModel</name>
    <message>
        <source>Seq</source>
        <translation>Séq.</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>Horodatage (UTC)</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Acteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::AuditView</name>
    <message>
        <source>Actor:</source>
        <translation>Acteur&#xa0;:</translation>
    </message>
    <message>
        <source>login or system</source>
        <translation>identifiant ou système</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>Action&#xa0;:</translation>
    </message>
    <message>
        <source>e.g. correction</source>
        <translation>p. ex. correction</translation>
    </message>
    <message>
        <source>Object:</source>
        <translation>Objet&#xa0;:</translation>
    </message>
    <message>
        <source>e.g. item/FG-1000</source>
        <translation>p. ex. item/FG-1000</translation>
    </message>
    <message>
        <source>from</source>
        <translation>depuis</translation>
    </message>
    <message>
        <source>until</source>
        <translation>jusqu&apos;à</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Vérifier la chaîne</translation>
    </message>
    <message>
        <source>Recompute every entry&apos;s SHA-256 hash and check the chain and its recorded head</source>
        <translation>Recalculer le hachage SHA-256 de chaque entrée et vérifier la chaîne et sa tête enregistrée</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Export the audit trail and lineage (CSV, JSON Lines, PDF) with a verifiable manifest</source>
        <translation>Exporter la piste d&apos;audit et le lignage (CSV, JSON Lines, PDF) avec un manifeste vérifiable</translation>
    </message>
    <message>
        <source>Select an entry to see what it changed.</source>
        <translation>Sélectionnez une entrée pour voir ce qu&apos;elle a modifié.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Before&lt;/b&gt;</source>
        <translation>&lt;b&gt;Avant&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;After&lt;/b&gt;</source>
        <translation>&lt;b&gt;Après&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Cannot read the audit log: %1</source>
        <translation>Impossible de lire le journal d&apos;audit&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entrée</numerusform>
            <numerusform>%n entrées</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;#%1&lt;/b&gt; %2 · &lt;b&gt;%3&lt;/b&gt; by %4 on &lt;b&gt;%5&lt;/b&gt;&lt;br&gt;Reason: %6&lt;br&gt;&lt;small&gt;hash %7 · previous %8&lt;/small&gt;</source>
        <translation>&lt;b&gt;#%1&lt;/b&gt; %2 · &lt;b&gt;%3&lt;/b&gt; par %4 sur &lt;b&gt;%5&lt;/b&gt;&lt;br&gt;Motif&#xa0;: %6&lt;br&gt;&lt;small&gt;hachage %7 · précédent %8&lt;/small&gt;</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>(nothing)</source>
        <translation>(rien)</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>Cannot verify: %1</source>
        <translation>Vérification impossible&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>✔ Chain intact: %n entries, head %1</source>
        <translation>
            <numerusform>✔ Chaîne intacte&#xa0;: %n entrée, tête %1</numerusform>
            <numerusform>✔ Chaîne intacte&#xa0;: %n entrées, tête %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>✘ Chain BROKEN: %n problems</source>
        <translation>
            <numerusform>✘ Chaîne ROMPUE&#xa0;: %n problème</numerusform>
            <numerusform>✘ Chaîne ROMPUE&#xa0;: %n problèmes</numerusform>
        </translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::DashboardView</name>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
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
        <translation>%1 j</translation>
    </message>
    <message>
        <source>sending is paused</source>
        <translation>l&apos;envoi est suspendu</translation>
    </message>
    <message>
        <source>backlog waiting, no calls in the last %1 min</source>
        <translation>arriéré en attente, aucun appel au cours des %1 dernières min</translation>
    </message>
    <message>
        <source>no traffic in the last %1 min</source>
        <translation>aucun trafic au cours des %1 dernières min</translation>
    </message>
    <message>
        <source>%1 calls, %2 retried, %3 failed and no ack in the last %4 min</source>
        <translation>%1 appels, %2 réessayés, %3 en échec et aucun acquittement au cours des %4 dernières min</translation>
    </message>
    <message>
        <source>retry rate %1 %, average latency %2 in the last %3 min</source>
        <translation>taux de réessai %1&#xa0;%, latence moyenne %2 au cours des %3 dernières min</translation>
    </message>
    <message>
        <source>%1 acks, average latency %2 in the last %3 min</source>
        <translation>%1 acquittements, latence moyenne %2 au cours des %3 dernières min</translation>
    </message>
    <message>
        <source>source system (no subscriptions)</source>
        <translation>système source (aucun abonnement)</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Arriéré</translation>
    </message>
    <message>
        <source>Acked last hour</source>
        <translation>Acquittés (dernière heure)</translation>
    </message>
    <message>
        <source>Retry rate (1 h)</source>
        <translation>Taux de réessai (1 h)</translation>
    </message>
    <message>
        <source>p95 latency (worst target, 1 h)</source>
        <translation>Latence p95 (pire cible, 1 h)</translation>
    </message>
    <message>
        <source>SLA breaches (1 h)</source>
        <translation>Dépassements de SLA (1 h)</translation>
    </message>
    <message>
        <source>Mean time to repair</source>
        <translation>Temps moyen de réparation</translation>
    </message>
    <message>
        <source>Show the objects not delivered yet</source>
        <translation>Afficher les objets pas encore livrés</translation>
    </message>
    <message>
        <source>Show acknowledged objects</source>
        <translation>Afficher les objets acquittés</translation>
    </message>
    <message>
        <source>Show objects waiting for a retry</source>
        <translation>Afficher les objets en attente de réessai</translation>
    </message>
    <message>
        <source>Show the objects of the slowest target</source>
        <translation>Afficher les objets de la cible la plus lente</translation>
    </message>
    <message>
        <source>Show the exception backlog</source>
        <translation>Afficher l&apos;arriéré des exceptions</translation>
    </message>
    <message>
        <source>&lt;b&gt;Systems&lt;/b&gt; (state over the last %1 minutes; click for its objects)</source>
        <translation>&lt;b&gt;Systèmes&lt;/b&gt; (état sur les %1 dernières minutes&#xa0;; cliquez sur un système pour voir ses objets)</translation>
    </message>
    <message>
        <source>Throughput per target (acks per minute, last hour)</source>
        <translation>Débit par cible (acquittements par minute, dernière heure)</translation>
    </message>
    <message>
        <source>Latency per target (last hour)</source>
        <translation>Latence par cible (dernière heure)</translation>
    </message>
    <message>
        <source>Open exceptions by age</source>
        <translation>Exceptions ouvertes par âge</translation>
    </message>
    <message>
        <source>SLA compliance per domain (last hour)</source>
        <translation>Respect des SLA par domaine (dernière heure)</translation>
    </message>
    <message>
        <source>Open exceptions: %1</source>
        <translation>Exceptions ouvertes&#xa0;: %1</translation>
    </message>
    <message>
        <source>Show the open exceptions of severity %1</source>
        <translation>Afficher les exceptions ouvertes de gravité %1</translation>
    </message>
    <message>
        <source>Cannot read the KPIs: %1</source>
        <translation>Impossible de lire les KPI&#xa0;: %1</translation>
    </message>
    <message>
        <source>As of %1 (UTC) · window %2 minutes · click a tile, bar or system for the list behind it</source>
        <translation>Au %1 (UTC) · fenêtre de %2 minutes · cliquez sur une tuile, une barre ou un système pour voir la liste correspondante</translation>
    </message>
    <message>
        <source>deliveries not final yet</source>
        <translation>livraisons pas encore finalisées</translation>
    </message>
    <message>
        <source>%1 calls in the window</source>
        <translation>%1 appels dans la fenêtre</translation>
    </message>
    <message>
        <source>%1 retried of %2 calls</source>
        <translation>%1 appels réessayés sur %2</translation>
    </message>
    <message>
        <source>no calls in the window</source>
        <translation>aucun appel dans la fenêtre</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>sur %1</translation>
    </message>
    <message>
        <source>no acks in the window</source>
        <translation>aucun acquittement dans la fenêtre</translation>
    </message>
    <message>
        <source>Show the objects of %1</source>
        <translation>Afficher les objets de %1</translation>
    </message>
    <message>
        <source>acks later than the subscription&apos;s SLA</source>
        <translation>acquittements au-delà du SLA de l&apos;abonnement</translation>
    </message>
    <message>
        <source>over %1 closed exceptions</source>
        <translation>sur %1 exceptions clôturées</translation>
    </message>
    <message>
        <source>no exception closed yet</source>
        <translation>aucune exception clôturée pour l&apos;instant</translation>
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
        <translation>secondes</translation>
    </message>
    <message>
        <source>open exceptions</source>
        <translation>exceptions ouvertes</translation>
    </message>
    <message>
        <source>&lt; 1 hour</source>
        <translation>&lt; 1 heure</translation>
    </message>
    <message>
        <source>1 h – 1 day</source>
        <translation>1 h – 1 jour</translation>
    </message>
    <message>
        <source>1 day – 1 week</source>
        <translation>1 jour – 1 semaine</translation>
    </message>
    <message>
        <source>≥ 1 week</source>
        <translation>≥ 1 semaine</translation>
    </message>
    <message>
        <source>acked within SLA (%)</source>
        <translation>acquittés dans le SLA (%)</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Tableau de bord</translation>
    </message>
    <message>
        <source>circuit open: %1</source>
        <translation>circuit ouvert : %1</translation>
    </message>
    <message>
        <source>Target outages (%1 days)</source>
        <translation>Pannes des systèmes cibles (%1 jours)</translation>
    </message>
    <message>
        <source>Show the target outage incidents</source>
        <translation>Afficher les incidents de panne des systèmes cibles</translation>
    </message>
    <message>
        <source>%1 outage min, MTTR %2</source>
        <translation>%1 min de panne, MTTR %2</translation>
    </message>
    <message>
        <source>%1 down since %2 (UTC) · %3</source>
        <translation>%1 en panne depuis %2 (UTC) · %3</translation>
    </message>
    <message>
        <source>no target down · %1</source>
        <translation>aucun système cible en panne · %1</translation>
    </message>
    <message numerus="yes">
        <source>%n down</source>
        <translation>
            <numerusform>%n en panne</numerusform>
            <numerusform>%n en panne</numerusform>
        </translation>
    </message>
    <message>
        <source>all up</source>
        <translation>tous disponibles</translation>
    </message>
    <message>
        <source>&lt;b&gt;Initial loads&lt;/b&gt; (the current state sent to a new target)</source>
        <translation>&lt;b&gt;Chargements initiaux&lt;/b&gt; (l&apos;état actuel envoyé à un nouveau système cible)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>done</source>
        <translation>terminé</translation>
    </message>
    <message>
        <source>#%1 %2, %3: %4 of %5 acknowledged, %6 queued, %7 open, %8 failed</source>
        <translation>#%1 %2, %3 : %4 sur %5 confirmés, %6 en file, %7 ouverts, %8 en échec</translation>
    </message>
    <message>
        <source>%p% acknowledged</source>
        <translation>%p % confirmés</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionBulkResultDialog</name>
    <message>
        <source>%1 done, %2 not done.</source>
        <translation>%1 effectuées, %2 non effectuées.</translation>
    </message>
    <message>
        <source>Cancelled: the remaining items were left as they were.</source>
        <translation>Annulé&#xa0;: les éléments restants n&apos;ont pas été modifiés.</translation>
    </message>
    <message>
        <source>Requeued deliveries are sent by the dispatcher in order, after their dependencies.</source>
        <translation>Les livraisons remises en file d&apos;attente sont envoyées dans l&apos;ordre par le répartiteur, après leurs dépendances.</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>Exception</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionDetailPane</name>
    <message>
        <source>Select an exception to see what went wrong.</source>
        <translation>Sélectionnez une exception pour voir ce qui n&apos;a pas fonctionné.</translation>
    </message>
    <message>
        <source>Raw payload (verbatim)</source>
        <translation>Charge utile brute (telle quelle)</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>Motif (obligatoire)</translation>
    </message>
    <message>
        <source>Submit correction</source>
        <translation>Soumettre la correction</translation>
    </message>
    <message>
        <source>The core validates the correction; nothing changes when it is refused.</source>
        <translation>Le moteur valide la correction&#xa0;; rien n&apos;est modifié si elle est refusée.</translation>
    </message>
    <message>
        <source>Four-eyes approval</source>
        <translation>Approbation (principe des quatre yeux)</translation>
    </message>
    <message>
        <source>Reason of the decision</source>
        <translation>Motif de la décision</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Approuver</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Rejeter</translation>
    </message>
    <message>
        <source>Correction</source>
        <translation>Correction</translation>
    </message>
    <message>
        <source>Dry run: what would a replay send?</source>
        <translation>Simulation&#xa0;: que renverrait un rejeu&#xa0;?</translation>
    </message>
    <message>
        <source>Replay dry run</source>
        <translation>Simulation du rejeu</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Quoi</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>a correction is a JSON object: { &quot;name&quot;: value, ... }</source>
        <translation>une correction est un objet JSON&#xa0;: { &quot;nom&quot;: valeur, ... }</translation>
    </message>
    <message>
        <source>the correction has no values</source>
        <translation>la correction ne contient aucune valeur</translation>
    </message>
    <message>
        <source>JSON syntax error at byte %1: %2</source>
        <translation>Erreur de syntaxe JSON à l&apos;octet %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Type the new values as a JSON object.</source>
        <translation>Saisissez les nouvelles valeurs sous forme d&apos;objet JSON.</translation>
    </message>
    <message>
        <source>✔ valid JSON</source>
        <translation>✔ JSON valide</translation>
    </message>
    <message>
        <source> → %1</source>
        <translation> → %1</translation>
    </message>
    <message>
        <source>(no raw payload kept)</source>
        <translation>(aucune charge utile brute conservée)</translation>
    </message>
    <message>
        <source>Payload correction of the failed delivery to %1: the fields of the mapped payload to change (only fields the contract marks editable). Replay the exception afterwards to send it.</source>
        <translation>Correction de la charge utile de la livraison en échec vers %1&#xa0;: les champs de la charge utile mappée à modifier (uniquement ceux que le contrat déclare modifiables). Rejouez ensuite l&apos;exception pour l&apos;envoyer.</translation>
    </message>
    <message>
        <source>Attribute correction of %1/%2: the attributes to change (a steward revision on behalf of the owning system; validated like any change).</source>
        <translation>Correction d&apos;attributs de %1/%2&#xa0;: les attributs à modifier (une révision par un gestionnaire de données au nom du système propriétaire&#xa0;; validée comme toute modification).</translation>
    </message>
    <message>
        <source>Correction #%1 awaiting approval: proposed by %2 on %3 (%4), it touches the critical group(s) %5. Changes: %6.</source>
        <translation>Correction #%1 en attente d&apos;approbation&#xa0;: proposée par %2 le %3 (%4), elle concerne le(s) groupe(s) critique(s) %5. Modifications&#xa0;: %6.</translation>
    </message>
    <message>
        <source>You proposed it: another user with the approver role must decide.</source>
        <translation>Vous l&apos;avez proposée&#xa0;: un autre utilisateur ayant le rôle d&apos;approbateur doit décider.</translation>
    </message>
    <message>
        <source>A user with the approver role must decide.</source>
        <translation>Un utilisateur ayant le rôle d&apos;approbateur doit décider.</translation>
    </message>
    <message>
        <source>Correction #%1 by %2: %3.</source>
        <translation>Correction #%1 de %2&#xa0;: %3.</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>appliquée</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>rejetée</translation>
    </message>
    <message>
        <source>Lineage of %1/%2</source>
        <translation>Lignage de %1/%2</translation>
    </message>
    <message>
        <source>Audit entries</source>
        <translation>Entrées d&apos;audit</translation>
    </message>
    <message>
        <source>Submitting…</source>
        <translation>Soumission…</translation>
    </message>
    <message>
        <source>✘ Refused by the core (nothing was changed): %1</source>
        <translation>✘ Refusée par le moteur (rien n&apos;a été modifié)&#xa0;: %1</translation>
    </message>
    <message>
        <source>✔ Correction #%1 recorded; it awaits approval by another user with the approver role.</source>
        <translation>✔ Correction #%1 enregistrée&#xa0;; elle attend l&apos;approbation d&apos;un autre utilisateur ayant le rôle d&apos;approbateur.</translation>
    </message>
    <message>
        <source>✔ Correction #%1 applied.</source>
        <translation>✔ Correction #%1 appliquée.</translation>
    </message>
    <message>
        <source>✔ Correction #%1 approved and applied.</source>
        <translation>✔ Correction #%1 approuvée et appliquée.</translation>
    </message>
    <message>
        <source>✘ Approval refused by the core: %1</source>
        <translation>✘ Approbation refusée par le moteur&#xa0;: %1</translation>
    </message>
    <message>
        <source>✔ Correction #%1 rejected.</source>
        <translation>✔ Correction #%1 rejetée.</translation>
    </message>
    <message>
        <source>✘ Rejection refused by the core: %1</source>
        <translation>✘ Rejet refusé par le moteur&#xa0;: %1</translation>
    </message>
    <message>
        <source>Running the dry run…</source>
        <translation>Simulation en cours…</translation>
    </message>
    <message>
        <source>Dry run failed: %1</source>
        <translation>Échec de la simulation&#xa0;: %1</translation>
    </message>
    <message>
        <source>Nothing would be sent: this exception has no failed delivery to replay.</source>
        <translation>Rien ne serait envoyé&#xa0;: cette exception n&apos;a aucune livraison en échec à rejouer.</translation>
    </message>
    <message>
        <source>Would send revision %1 to %2: %3</source>
        <translation>Enverrait la révision %1 à %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>Compared with the last acknowledged revision %1:</source>
        <translation>Par rapport à la dernière révision acquittée %1&#xa0;:</translation>
    </message>
    <message>
        <source>The target never acknowledged this object: every field is new.</source>
        <translation>La cible n&apos;a jamais acquitté cet objet&#xa0;: tous les champs sont nouveaux.</translation>
    </message>
    <message>
        <source>Payload:</source>
        <translation>Charge utile&#xa0;:</translation>
    </message>
    <message>
        <source>Exception #%1 is now %2: it was closed by someone else while it was open here.</source>
        <translation>L&apos;exception #%1 est maintenant %2 : quelqu&apos;un d&apos;autre l&apos;a fermée pendant qu&apos;elle était ouverte ici.</translation>
    </message>
    <message>
        <source>Exception #%1 is no longer in the backlog&apos;s list (its status changed or it no longer matches the filter). This pane stays on it.</source>
        <translation>L&apos;exception #%1 n&apos;est plus dans la liste (son statut a changé ou elle ne correspond plus au filtre). Ce panneau reste sur elle.</translation>
    </message>
    <message>
        <source>Your correction text is kept.</source>
        <translation>Votre texte de correction est conservé.</translation>
    </message>
    <message>
        <source>Details (JSON)</source>
        <translation>Détails (JSON)</translation>
    </message>
    <message>
        <source>Raw JSON</source>
        <translation>JSON brut</translation>
    </message>
    <message>
        <source>(no details recorded)</source>
        <translation>(aucun détail enregistré)</translation>
    </message>
    <message>
        <source>&lt;b&gt;#%1&lt;/b&gt; %2 · %3 · &lt;b&gt;%4&lt;/b&gt;%5 · %6</source>
        <translation>&lt;b&gt;#%1&lt;/b&gt; %2 · %3 · &lt;b&gt;%4&lt;/b&gt;%5 · %6</translation>
    </message>
    <message>
        <source>Target outage</source>
        <translation>Panne du système cible</translation>
    </message>
    <message>
        <source>Reason (required, goes into the audit log)</source>
        <translation>Motif (obligatoire, consigné dans le journal d&apos;audit)</translation>
    </message>
    <message>
        <source>Probe now</source>
        <translation>Sonder maintenant</translation>
    </message>
    <message>
        <source>Send one probe to the target at once instead of waiting for the next scheduled one. If the target answers, the circuit closes and the waiting deliveries are sent.</source>
        <translation>Envoyer tout de suite une sonde au système cible au lieu d&apos;attendre la prochaine prévue. Si le système répond, le disjoncteur se ferme et les livraisons en attente sont envoyées.</translation>
    </message>
    <message>
        <source>Pause target</source>
        <translation>Suspendre le système cible</translation>
    </message>
    <message>
        <source>%1 is down: its deliveries wait and one probe goes out at growing intervals.</source>
        <translation>%1 est en panne : ses livraisons attendent et une sonde part à intervalles croissants.</translation>
    </message>
    <message>
        <source>The circuit of %1 is closed: the target answers again, there is nothing to probe.</source>
        <translation>Le disjoncteur de %1 est fermé : le système répond de nouveau, il n&apos;y a rien à sonder.</translation>
    </message>
    <message>
        <source>%1 is paused: nothing is sent to it, probes included.</source>
        <translation>%1 est suspendu : rien ne lui est envoyé, sondes comprises.</translation>
    </message>
    <message>
        <source>Probing and pausing a target need the steward or admin role.</source>
        <translation>Sonder et suspendre un système cible exigent le rôle steward ou admin.</translation>
    </message>
    <message>
        <source>Resume target</source>
        <translation>Reprendre le système cible</translation>
    </message>
    <message>
        <source>✔ Probe of %1 requested: the dispatcher sends it within a second; the incident closes if the target answers.</source>
        <translation>✔ Sonde de %1 demandée : le répartiteur l&apos;envoie dans la seconde ; l&apos;incident se ferme si le système répond.</translation>
    </message>
    <message>
        <source>✔ %1 paused.</source>
        <translation>✔ %1 suspendu.</translation>
    </message>
    <message>
        <source>✔ %1 resumed.</source>
        <translation>✔ %1 repris.</translation>
    </message>
    <message>
        <source>Duplicate suspect</source>
        <translation>Doublon suspecté</translation>
    </message>
    <message>
        <source>Not a duplicate</source>
        <translation>Pas un doublon</translation>
    </message>
    <message>
        <source>Record that the two objects are different: the exception is resolved and the pair is never raised as a duplicate suspect again.</source>
        <translation>Enregistrer que les deux objets sont différents : l&apos;exception est résolue et la paire n&apos;est plus jamais signalée comme doublon suspecté.</translation>
    </message>
    <message>
        <source>The event was held: nothing was created, so there is no pair to decide. Discard it, or re-send it.</source>
        <translation>L&apos;événement a été retenu : rien n&apos;a été créé, il n&apos;y a donc pas de paire à décider. Rejetez-le ou renvoyez-le.</translation>
    </message>
    <message>
        <source>This suspect is closed.</source>
        <translation>Ce doublon suspecté est clos.</translation>
    </message>
    <message>
        <source>Deciding a duplicate suspect needs the steward or admin role.</source>
        <translation>Décider d&apos;un doublon suspecté exige le rôle steward ou admin.</translation>
    </message>
    <message>
        <source>✔ %1 and %2 are not duplicates: recorded, and the pair will not be raised again.</source>
        <translation>✔ %1 et %2 ne sont pas des doublons : enregistré, la paire ne sera plus signalée.</translation>
    </message>
    <message>
        <source>Replayable: always (no retention policy for %1)</source>
        <translation>Rejouable&#xa0;: toujours (aucune politique de conservation pour %1)</translation>
    </message>
    <message numerus="yes">
        <source>Replayable while this revision is current; %n day(s) after it is superseded</source>
        <translation>
            <numerusform>Rejouable tant que cette révision est actuelle, puis encore %n jour après son remplacement</numerusform>
            <numerusform>Rejouable tant que cette révision est actuelle, puis encore %n jours après son remplacement</numerusform>
        </translation>
    </message>
    <message>
        <source>Replayable until %1 (then its payload may be archived)</source>
        <translation>Rejouable jusqu&apos;au %1 (ensuite sa charge utile peut être archivée)</translation>
    </message>
    <message>
        <source>Not replayable: the revision&apos;s payload was archived in %1 on %2 (manifest SHA-256 %3…); correct the object at its source</source>
        <translation>Non rejouable&#xa0;: la charge utile de la révision a été archivée dans %1 le %2 (manifeste SHA-256 %3…)&#xa0;; corrigez l&apos;objet dans son système source</translation>
    </message>
    <message>
        <source>Why are they different objects, or one object? (required, goes into the audit log)</source>
        <translation>Pourquoi sont-ce des objets différents, ou un seul objet&#xa0;? (obligatoire, consigné dans le journal d&apos;audit)</translation>
    </message>
    <message>
        <source>Merge the pair into this object: it keeps its key, the other one is retired at the targets (or redirected, as each target&apos;s contract says) and its key becomes an alias; objects that reference it are redirected by new revisions. In a domain with critical attribute groups an approver must approve the merge (four-eyes).</source>
        <translation>Fusionner la paire dans cet objet&#xa0;: il garde sa clé, l&apos;autre est retiré dans les systèmes cibles (ou redirigé, selon le contrat de chaque cible) et sa clé devient un alias&#xa0;; les objets qui y font référence sont redirigés par de nouvelles révisions. Dans un domaine à groupes d&apos;attributs critiques, un approbateur doit approuver la fusion (principe des quatre yeux).</translation>
    </message>
    <message>
        <source>Approve merge</source>
        <translation>Approuver la fusion</translation>
    </message>
    <message>
        <source>Reject merge</source>
        <translation>Rejeter la fusion</translation>
    </message>
    <message>
        <source>%1 was created looking like %2 (compared side by side under Problem). If they are different objects, say why: the pair is remembered and never raised as a duplicate suspect again. If they are one object, merge them into the one that stays.</source>
        <translation>%1 a été créé et ressemble à %2 (comparés côte à côte sous Problème). S&apos;il s&apos;agit d&apos;objets différents, dites pourquoi&#xa0;: la paire est mémorisée et n&apos;est plus jamais signalée comme doublon suspecté. S&apos;il s&apos;agit d&apos;un seul objet, fusionnez-les dans celui qui reste.</translation>
    </message>
    <message>
        <source>Merge #%1 (%2 into %3) by %4 awaits approval by another user with the approver role: %5</source>
        <translation>La fusion n°&#xa0;%1 (%2 dans %3) de %4 attend l&apos;approbation d&apos;un autre utilisateur ayant le rôle d&apos;approbateur&#xa0;: %5</translation>
    </message>
    <message>
        <source>Merge into %1</source>
        <translation>Fusionner dans %1</translation>
    </message>
    <message>
        <source>✔ Merge #%1 of %2 into %3 proposed: it awaits approval by another user with the approver role (four-eyes).</source>
        <translation>✔ Fusion n°&#xa0;%1 de %2 dans %3 proposée&#xa0;: elle attend l&apos;approbation d&apos;un autre utilisateur ayant le rôle d&apos;approbateur (principe des quatre yeux).</translation>
    </message>
    <message>
        <source>✔ %1 merged into %2 (merge #%3): %1 is retired and now stands for %2; references were redirected.</source>
        <translation>✔ %1 fusionné dans %2 (fusion n°&#xa0;%3)&#xa0;: %1 est retiré et désigne désormais %2&#xa0;; les références ont été redirigées.</translation>
    </message>
    <message>
        <source>✔ Merge #%1 approved and applied.</source>
        <translation>✔ Fusion n°&#xa0;%1 approuvée et appliquée.</translation>
    </message>
    <message>
        <source>✔ Merge #%1 rejected.</source>
        <translation>✔ Fusion n°&#xa0;%1 rejetée.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionDiscardDialog</name>
    <message numerus="yes">
        <source>Discard %n exception(s)</source>
        <translation>
            <numerusform>Écarter %n exception</numerusform>
            <numerusform>Écarter %n exceptions</numerusform>
        </translation>
    </message>
    <message>
        <source>Superseded by a newer change</source>
        <translation>Remplacée par une modification plus récente</translation>
    </message>
    <message>
        <source>Obsolete object</source>
        <translation>Objet obsolète</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Doublon</translation>
    </message>
    <message>
        <source>Target decommissioned</source>
        <translation>Cible mise hors service</translation>
    </message>
    <message>
        <source>Other (explain)</source>
        <translation>Autre (à préciser)</translation>
    </message>
    <message>
        <source>Explanation (required for “Other”)</source>
        <translation>Explication (obligatoire pour «&#xa0;Autre&#xa0;»)</translation>
    </message>
    <message>
        <source>Reason code:</source>
        <translation>Code motif&#xa0;:</translation>
    </message>
    <message>
        <source>Explanation:</source>
        <translation>Explication&#xa0;:</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Écarter</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionFixRuleDialog</name>
    <message numerus="yes">
        <source>Apply a fix rule to %n exception(s)</source>
        <translation>
            <numerusform>Appliquer une règle de correction à %n exception</numerusform>
            <numerusform>Appliquer une règle de correction à %n exceptions</numerusform>
        </translation>
    </message>
    <message>
        <source>Payload field of the failed delivery</source>
        <translation>Champ de la charge utile de la livraison en échec</translation>
    </message>
    <message>
        <source>Attribute of the object</source>
        <translation>Attribut de l&apos;objet</translation>
    </message>
    <message>
        <source>any value</source>
        <translation>n&apos;importe quelle valeur</translation>
    </message>
    <message>
        <source>JSON or text, e.g. &quot;EA&quot; or 12.5</source>
        <translation>JSON ou texte, p. ex. &quot;EA&quot; ou 12.5</translation>
    </message>
    <message>
        <source>Rule name:</source>
        <translation>Nom de la règle&#xa0;:</translation>
    </message>
    <message>
        <source>Changes:</source>
        <translation>Modifie&#xa0;:</translation>
    </message>
    <message>
        <source>Field / attribute:</source>
        <translation>Champ / attribut&#xa0;:</translation>
    </message>
    <message>
        <source>Only where it equals:</source>
        <translation>Uniquement s&apos;il vaut&#xa0;:</translation>
    </message>
    <message>
        <source>Set to:</source>
        <translation>Nouvelle valeur&#xa0;:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Motif&#xa0;:</translation>
    </message>
    <message>
        <source>Preview first: which exceptions, and before → after. Nothing changes.</source>
        <translation>Prévisualisez d&apos;abord&#xa0;: quelles exceptions, et avant → après. Rien n&apos;est modifié.</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>Exception</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Before → after</source>
        <translation>Avant → après</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Appliquer</translation>
    </message>
    <message>
        <source>Name the field or attribute the rule changes.</source>
        <translation>Indiquez le champ ou l&apos;attribut que la règle modifie.</translation>
    </message>
    <message>
        <source>Say what the rule sets the field to.</source>
        <translation>Indiquez la valeur que la règle donne au champ.</translation>
    </message>
    <message>
        <source>Previewing…</source>
        <translation>Aperçu en cours…</translation>
    </message>
    <message>
        <source>Refused by the core: %1</source>
        <translation>Refusé par le moteur&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n exception(s) match; nothing was changed.</source>
        <translation>
            <numerusform>%n exception correspond&#xa0;; rien n&apos;a été modifié.</numerusform>
            <numerusform>%n exceptions correspondent&#xa0;; rien n&apos;a été modifié.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionProblem</name>
    <message>
        <source>Acknowledged revision</source>
        <translation>Révision acquittée</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Tentatives</translation>
    </message>
    <message>
        <source>Contract version</source>
        <translation>Version du contrat</translation>
    </message>
    <message>
        <source>Detected by</source>
        <translation>Détecté par</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>HTTP status</source>
        <translation>Statut HTTP</translation>
    </message>
    <message>
        <source>Idempotency key</source>
        <translation>Clé d&apos;idempotence</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>The target&apos;s answer</source>
        <translation>Réponse du système cible</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>Abonnement</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>expected %1, the target has %2</source>
        <translation>attendu %1, le système cible a %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>%1
revision %2, from %3</source>
        <translation>%1
révision %2, de %3</translation>
    </message>
    <message>
        <source>%1
the held event</source>
        <translation>%1
l&apos;événement retenu</translation>
    </message>
    <message>
        <source>%1
no longer in the workspace</source>
        <translation>%1
n&apos;est plus dans l&apos;espace de travail</translation>
    </message>
    <message>
        <source>%1 %2 looks like %1 %3: similarity %4 on %5. The compared attributes are in bold; values that differ are marked ≠.</source>
        <translation>%1 %2 ressemble à %1 %3 : similarité %4 sur %5. Les attributs comparés sont en gras ; les valeurs qui diffèrent sont marquées ≠.</translation>
    </message>
    <message>
        <source>(not recorded)</source>
        <translation>(non enregistré)</translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation>Attribut</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Quoi</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>What went wrong</source>
        <translation>Ce qui n&apos;a pas fonctionné</translation>
    </message>
    <message>
        <source>the source</source>
        <translation>la source</translation>
    </message>
    <message>
        <source>What %1 sent (the message above says what went wrong)</source>
        <translation>Ce que %1 a envoyé (le message ci-dessus dit ce qui n&apos;a pas fonctionné)</translation>
    </message>
    <message>
        <source>Value sent</source>
        <translation>Valeur envoyée</translation>
    </message>
    <message>
        <source>Nothing was recorded beyond the message above.</source>
        <translation>Rien n&apos;a été enregistré au-delà du message ci-dessus.</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>aucune pour l&apos;instant</translation>
    </message>
    <message>
        <source>(revisions)</source>
        <translation>(révisions)</translation>
    </message>
    <message>
        <source>(sent by)</source>
        <translation>(envoyé par)</translation>
    </message>
    <message>
        <source>(acknowledged by targets)</source>
        <translation>(acquitté par les cibles)</translation>
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
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Âge</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Tentatives</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Attribuée à</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>open</source>
        <translation>ouverte</translation>
    </message>
    <message>
        <source>assigned</source>
        <translation>attribuée</translation>
    </message>
    <message>
        <source>awaiting approval</source>
        <translation>en attente d&apos;approbation</translation>
    </message>
    <message>
        <source>replayed</source>
        <translation>rejouée</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>résolue</translation>
    </message>
    <message>
        <source>discarded</source>
        <translation>écartée</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>remplacée</translation>
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
        <translation>%1 j</translation>
    </message>
    <message>
        <source>(the whole system)</source>
        <translation>(le système entier)</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExceptionsView</name>
    <message>
        <source>Group</source>
        <translation>Groupe</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvertes</translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation>Échec de la requête&#xa0;: %1</translation>
    </message>
    <message>
        <source>Object key or message (Ctrl+F)</source>
        <translation>Clé d&apos;objet ou message (Ctrl+F)</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Toutes les catégories</translation>
    </message>
    <message>
        <source>All severities</source>
        <translation>Toutes les gravités</translation>
    </message>
    <message>
        <source>All targets</source>
        <translation>Toutes les cibles</translation>
    </message>
    <message>
        <source>All domains</source>
        <translation>Tous les domaines</translation>
    </message>
    <message>
        <source>Statuses shown</source>
        <translation>Statuts affichés</translation>
    </message>
    <message>
        <source>open, assigned, awaiting approval</source>
        <translation>ouverte, attribuée, en attente d&apos;approbation</translation>
    </message>
    <message>
        <source>Any age</source>
        <translation>Tout âge</translation>
    </message>
    <message>
        <source>Older than 15 min</source>
        <translation>Plus de 15 min</translation>
    </message>
    <message>
        <source>Older than 1 h</source>
        <translation>Plus de 1 h</translation>
    </message>
    <message>
        <source>Older than 4 h</source>
        <translation>Plus de 4 h</translation>
    </message>
    <message>
        <source>Older than 1 day</source>
        <translation>Plus de 1 jour</translation>
    </message>
    <message>
        <source>Older than 7 days</source>
        <translation>Plus de 7 jours</translation>
    </message>
    <message>
        <source>No grouping</source>
        <translation>Sans regroupement</translation>
    </message>
    <message>
        <source>Group by category</source>
        <translation>Regrouper par catégorie</translation>
    </message>
    <message>
        <source>Group by target</source>
        <translation>Regrouper par cible</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source> or </source>
        <translation> ou </translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>M&apos;attribuer</translation>
    </message>
    <message>
        <source>Ctrl+Shift+A</source>
        <translation>Ctrl+Maj+A</translation>
    </message>
    <message>
        <source>Assign to…</source>
        <translation>Attribuer à…</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>Attribuer</translation>
    </message>
    <message numerus="yes">
        <source>Assign %n exception(s) to login:</source>
        <translation>
            <numerusform>Attribuer %n exception à l&apos;identifiant&#xa0;:</numerusform>
            <numerusform>Attribuer %n exceptions à l&apos;identifiant&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Rejouer</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Discard…</source>
        <translation>Écarter…</translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation>Ctrl+D</translation>
    </message>
    <message>
        <source>Fix rule…</source>
        <translation>Règle de correction…</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Suivante</translation>
    </message>
    <message>
        <source>Alt+Down</source>
        <translation>Alt+Down</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Précédente</translation>
    </message>
    <message>
        <source>Alt+Up</source>
        <translation>Alt+Up</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Rechercher</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Tout statut</translation>
    </message>
    <message>
        <source>(inbound: no target)</source>
        <translation>(entrant&#xa0;: pas de cible)</translation>
    </message>
    <message numerus="yes">
        <source>%n exception(s)</source>
        <translation>
            <numerusform>%n exception</numerusform>
            <numerusform>%n exceptions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n selected</source>
        <translation>
            <numerusform>, %n sélectionnée</numerusform>
            <numerusform>, %n sélectionnées</numerusform>
        </translation>
    </message>
    <message>
        <source> · query %1 ms</source>
        <translation> · requête %1 ms</translation>
    </message>
    <message numerus="yes">
        <source>Assigning %n exception(s) to %1</source>
        <translation>
            <numerusform>Attribution de %n exception à %1</numerusform>
            <numerusform>Attribution de %n exceptions à %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Replaying %n exception(s)</source>
        <translation>
            <numerusform>Rejeu de %n exception</numerusform>
            <numerusform>Rejeu de %n exceptions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Discarding %n exception(s)</source>
        <translation>
            <numerusform>Mise à l&apos;écart de %n exception</numerusform>
            <numerusform>Mise à l&apos;écart de %n exceptions</numerusform>
        </translation>
    </message>
    <message>
        <source>Applying fix rule “%1”</source>
        <translation>Application de la règle de correction «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Cancelling after the current item…</source>
        <translation>Annulation après l&apos;élément en cours…</translation>
    </message>
    <message>
        <source>%1: refused by the core: %2</source>
        <translation>%1&#xa0;: refusé par le moteur&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 of %2: %3</source>
        <translation>%1 sur %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>Exceptions</translation>
    </message>
    <message>
        <source>Group by cause</source>
        <translation>Regrouper par cause</translation>
    </message>
    <message>
        <source>Cause: the same target, category and error text, whatever object, value or number it names. Click a cause to list its exceptions, then select them all (Ctrl+A) for one action on the group.</source>
        <translation>Cause&#xa0;: la même cible, la même catégorie et le même texte d&apos;erreur, quels que soient l&apos;objet, la valeur ou le nombre qu&apos;il mentionne. Cliquez sur une cause pour lister ses exceptions, puis sélectionnez-les toutes (Ctrl+A) pour une seule action sur le groupe.</translation>
    </message>
    <message>
        <source>All causes</source>
        <translation>Toutes les causes</translation>
    </message>
    <message>
        <source>inbound</source>
        <translation>entrant</translation>
    </message>
    <message>
        <source>(more exceptions than are grouped: narrow the filter)</source>
        <translation>(plus d&apos;exceptions que celles regroupées&#xa0;: affinez le filtre)</translation>
    </message>
    <message>
        <source>Saved filters</source>
        <translation>Filtres enregistrés</translation>
    </message>
    <message>
        <source>Save the current filter and grouping under a name, or apply one saved before (kept per workspace and user on this workstation)</source>
        <translation>Enregistrer le filtre et le regroupement actuels sous un nom, ou appliquer un filtre enregistré (par espace de travail et par utilisateur sur ce poste)</translation>
    </message>
    <message>
        <source>Save the current filter…</source>
        <translation>Enregistrer le filtre actuel…</translation>
    </message>
    <message>
        <source>Save filter</source>
        <translation>Enregistrer le filtre</translation>
    </message>
    <message>
        <source>Name of the filter:</source>
        <translation>Nom du filtre&#xa0;:</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>By impact</source>
        <translation>Par impact</translation>
    </message>
    <message>
        <source>Most business impact first: the criticality of the subscription it blocks, the object&apos;s lifecycle state (released first), how many objects use it (BOMs of an item), then severity and age. A click on a column header sorts by that column.</source>
        <translation>Le plus fort impact métier d&apos;abord&#xa0;: la criticité de l&apos;abonnement bloqué, l&apos;état du cycle de vie de l&apos;objet (publiés d&apos;abord), le nombre d&apos;objets qui l&apos;utilisent (nomenclatures d&apos;un article), puis la sévérité et l&apos;âge. Un clic sur un en-tête de colonne trie selon cette colonne.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::ExportDialog</name>
    <message>
        <source>Export the audit trail</source>
        <translation>Exporter la piste d&apos;audit</translation>
    </message>
    <message>
        <source>a new or empty directory</source>
        <translation>un répertoire nouveau ou vide</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Directory:</source>
        <translation>Répertoire&#xa0;:</translation>
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
        <translation>Rapport PDF</translation>
    </message>
    <message>
        <source>OpenLineage</source>
        <translation>OpenLineage</translation>
    </message>
    <message>
        <source>Formats:</source>
        <translation>Formats&#xa0;:</translation>
    </message>
    <message>
        <source>Range:</source>
        <translation>Période&#xa0;:</translation>
    </message>
    <message>
        <source>from</source>
        <translation>depuis</translation>
    </message>
    <message>
        <source>until (exclusive)</source>
        <translation>jusqu&apos;à (exclu)</translation>
    </message>
    <message>
        <source>all objects; or e.g. item/FG-1000, bom/FG-1000</source>
        <translation>tous les objets&#xa0;; ou p. ex. item/FG-1000, bom/FG-1000</translation>
    </message>
    <message>
        <source>Lineage and the PDF report are limited to these objects; the audit entries of the range are always exported whole, so that their hash chain can be verified.</source>
        <translation>Le lignage et le rapport PDF se limitent à ces objets&#xa0;; les entrées d&apos;audit de la période sont toujours exportées intégralement, afin que leur chaîne de hachage puisse être vérifiée.</translation>
    </message>
    <message>
        <source>Objects:</source>
        <translation>Objets&#xa0;:</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>Annuler l&apos;export</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an object; write domain/key, e.g. item/FG-1000</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas un objet&#xa0;; écrivez domaine/clé, p. ex. item/FG-1000</translation>
    </message>
    <message>
        <source>Export directory</source>
        <translation>Répertoire d&apos;export</translation>
    </message>
    <message>
        <source>Choose a new or empty directory to export to.</source>
        <translation>Choisissez un répertoire nouveau ou vide pour l&apos;export.</translation>
    </message>
    <message>
        <source>Choose CSV, JSON Lines or both (the PDF report comes with them).</source>
        <translation>Choisissez CSV, JSON Lines ou les deux (le rapport PDF les accompagne).</translation>
    </message>
    <message>
        <source>The end of the range must be after its start.</source>
        <translation>La fin de la période doit être postérieure à son début.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Export en cours…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Exporting… %1 of %2 rows</source>
        <translation>Export en cours… %1 lignes sur %2</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>Export annulé&#xa0;; rien n&apos;a été écrit.</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Échec de l&apos;export&#xa0;: %1</translation>
    </message>
    <message>
        <source>Exported to %1. Check it offline with: mdsyncctl verify-export &quot;%1&quot;</source>
        <translation>Exporté vers %1. Vérifiez-le hors ligne avec&#xa0;: mdsyncctl verify-export &quot;%1&quot;</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::HealthStrip</name>
    <message>
        <source>no ack in the last hour</source>
        <translation>aucun acquittement au cours de la dernière heure</translation>
    </message>
    <message>
        <source>last ack within the last minute</source>
        <translation>dernier acquittement il y a moins d&apos;une minute</translation>
    </message>
    <message>
        <source>last ack %1 s ago</source>
        <translation>dernier acquittement il y a %1 s</translation>
    </message>
    <message>
        <source>last ack %1 min ago</source>
        <translation>dernier acquittement il y a %1 min</translation>
    </message>
    <message>
        <source>last ack %1 h ago</source>
        <translation>dernier acquittement il y a %1 h</translation>
    </message>
    <message>
        <source>up</source>
        <translation>disponible</translation>
    </message>
    <message>
        <source>slow</source>
        <translation>lent</translation>
    </message>
    <message>
        <source>down</source>
        <translation>indisponible</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>suspendu</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>inactif</translation>
    </message>
    <message>
        <source>backlog %1</source>
        <translation>arriéré %1</translation>
    </message>
    <message>
        <source>down since %1, %L2 waiting</source>
        <translation>en panne depuis %1, %L2 en attente</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::HelpPages</name>
    <message>
        <source>See also: %1.</source>
        <translation>Voir aussi&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Tableau de bord</translation>
    </message>
    <message>
        <source>Propagation matrix</source>
        <translation>Matrice de propagation</translation>
    </message>
    <message>
        <source>Lineage</source>
        <translation>Lignage</translation>
    </message>
    <message>
        <source>Exceptions</source>
        <translation>Exceptions</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>Politiques</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Getting started</source>
        <translation>Prise en main</translation>
    </message>
    <message>
        <source>&lt;p&gt;The state of propagation at a glance, refreshed while the core runs.&lt;/p&gt;</source>
        <translation>&lt;p&gt;L&apos;état de la propagation en un coup d&apos;œil, actualisé pendant que le moteur tourne.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Charts&lt;/b&gt;: throughput and latency per target system, the age of open exceptions and SLA compliance per domain. Click a bar to open the exceptions or objects it counts.</source>
        <translation>&lt;b&gt;Graphiques&lt;/b&gt;&#xa0;: débit et latence par système cible, âge des exceptions ouvertes et respect des SLA par domaine. Cliquez sur une barre pour ouvrir les exceptions ou les objets qu&apos;elle compte.</translation>
    </message>
    <message>
        <source>&lt;b&gt;System health&lt;/b&gt;: each system is up, slow, down or paused, with its backlog and last acknowledgement. A target that stopped answering (its circuit is open) says since when it is down and how many deliveries wait for it. Click a system to see its backlog in the propagation matrix.</source>
        <translation>&lt;b&gt;État des systèmes&lt;/b&gt;&#xa0;: chaque système est disponible, lent, indisponible ou suspendu, avec son arriéré et son dernier acquittement. Un système cible qui ne répond plus (circuit ouvert) indique depuis quand il est en panne et combien de livraisons l’attendent. Cliquez sur un système pour voir son arriéré dans la matrice de propagation.</translation>
    </message>
    <message>
        <source>&lt;p&gt;One row per object, one column per target system. A cell is the status of the object&apos;s latest revision at that system, shown with an icon and a word, not colour alone.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Une ligne par objet, une colonne par système cible. Une cellule indique le statut de la dernière révision de l&apos;objet dans ce système, par une icône et un mot, pas seulement par une couleur.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Filter&lt;/b&gt; as you type: a key prefix (for example FG-10) or a word of the description. Narrow by domain, plant, status at one or any system, and age.</source>
        <translation>&lt;b&gt;Filtrez&lt;/b&gt; en cours de saisie&#xa0;: un préfixe de clé (par exemple FG-10) ou un mot de la description. Affinez par domaine, usine, statut dans un système ou dans n&apos;importe lequel, et âge.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Status&lt;/b&gt; &quot;backlog&quot; means anything not yet acknowledged: pending, held by a dependency, retrying or failed.</source>
        <translation>&lt;b&gt;Statut&lt;/b&gt; «&#xa0;arriéré&#xa0;»&#xa0;: tout ce qui n&apos;est pas encore acquitté, c&apos;est-à-dire en attente, retenu par une dépendance, à réessayer ou en échec.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Hover&lt;/b&gt; a cell for its revision, the revision the system acknowledged, age, attempts and the last error.</source>
        <translation>&lt;b&gt;Survolez&lt;/b&gt; une cellule pour voir sa révision, la révision acquittée par le système, l&apos;âge, les tentatives et la dernière erreur.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Select&lt;/b&gt; a row to list every revision of the object and its status at each system below; double-click to open its lineage.</source>
        <translation>&lt;b&gt;Sélectionnez&lt;/b&gt; une ligne pour lister ci-dessous chaque révision de l&apos;objet et son statut dans chaque système&#xa0;; double-cliquez pour ouvrir son lignage.</translation>
    </message>
    <message>
        <source>Sorting and filtering run in the database, so they stay quick on a million objects.</source>
        <translation>Le tri et le filtrage s&apos;exécutent dans la base de données&#xa0;: ils restent rapides même avec un million d&apos;objets.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Everything that happened to one object, one lane per system, on a time axis: received, validated, merged, delivered, acknowledged, failed, corrected, approved, replayed.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Tout ce qui est arrivé à un objet, une ligne par système, sur un axe temporel&#xa0;: reçu, validé, fusionné, livré, acquitté, en échec, corrigé, approuvé, rejoué.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Zoom&lt;/b&gt; with the mouse wheel around the pointer; &lt;b&gt;pan&lt;/b&gt; by dragging.</source>
        <translation>&lt;b&gt;Zoomez&lt;/b&gt; avec la molette autour du pointeur&#xa0;; &lt;b&gt;déplacez&lt;/b&gt; la vue en faisant glisser.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Click&lt;/b&gt; an event to see its correlation id, its payload and what its revision changed.</source>
        <translation>&lt;b&gt;Cliquez&lt;/b&gt; sur un événement pour voir son identifiant de corrélation, sa charge utile et ce que sa révision a modifié.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Point in time&lt;/b&gt;: pick a date and time to see each attribute&apos;s value, the system that owned it and the system (or steward) that supplied it at that moment.</source>
        <translation>&lt;b&gt;Instant donné&lt;/b&gt;&#xa0;: choisissez une date et une heure pour voir la valeur de chaque attribut, le système qui en était propriétaire et le système (ou le gestionnaire de données) qui l&apos;a fournie à ce moment-là.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Everything the core could not deliver or accept, kept verbatim until a steward clears it.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Tout ce que le moteur n&apos;a pas pu livrer ou accepter, conservé tel quel jusqu&apos;à ce qu&apos;un gestionnaire de données le traite.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Filter&lt;/b&gt; by status, category, severity, target, assignee and age; group counts show where the backlog is.</source>
        <translation>&lt;b&gt;Filtrez&lt;/b&gt; par statut, catégorie, gravité, cible, personne attribuée et âge&#xa0;; les comptages par groupe montrent où se trouve l&apos;arriéré.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Bulk actions&lt;/b&gt; on the selection: assign, replay, discard with a reason code, or apply a fix rule. A progress dialog shows every item&apos;s result and can be cancelled.</source>
        <translation>&lt;b&gt;Actions groupées&lt;/b&gt; sur la sélection&#xa0;: attribuer, rejouer, écarter avec un code motif ou appliquer une règle de correction. Une boîte de progression affiche le résultat de chaque élément et peut être annulée.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Detail&lt;/b&gt;: the raw payload, the error and validation messages, a correction editor (checked before it is submitted), a replay dry run that shows the payload diff, the four-eyes state and the history of actions.</source>
        <translation>&lt;b&gt;Détail&lt;/b&gt;&#xa0;: la charge utile brute, les messages d&apos;erreur et de validation, un éditeur de correction (vérifiée avant d&apos;être soumise), une simulation du rejeu qui montre les différences de charge utile, l&apos;état de l&apos;approbation (principe des quatre yeux) et l&apos;historique des actions.</translation>
    </message>
    <message>
        <source>Corrections of critical fields need a second steward&apos;s approval (four-eyes); you cannot approve your own.</source>
        <translation>Les corrections de champs critiques nécessitent l&apos;approbation d&apos;un second gestionnaire de données (principe des quatre yeux)&#xa0;; vous ne pouvez pas approuver les vôtres.</translation>
    </message>
    <message>
        <source>&lt;p&gt;The rules the core applies, read-only here (change them with &lt;tt&gt;mdsyncctl propose&lt;/tt&gt; and a second steward&apos;s approval).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Les règles appliquées par le moteur, en lecture seule ici (modifiez-les avec &lt;tt&gt;mdsyncctl propose&lt;/tt&gt; et l&apos;approbation d&apos;un second gestionnaire de données).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ownership&lt;/b&gt;: for each domain and attribute group, the system of record whose changes are accepted.</source>
        <translation>&lt;b&gt;Propriété&lt;/b&gt;&#xa0;: pour chaque domaine et groupe d&apos;attributs, le système de référence dont les modifications sont acceptées.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Subscriptions&lt;/b&gt;: which system receives which objects, with its SLA and pattern.</source>
        <translation>&lt;b&gt;Abonnements&lt;/b&gt;&#xa0;: quel système reçoit quels objets, avec son SLA et son masque.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Contracts&lt;/b&gt;: how canonical fields map to each system&apos;s fields, with their versions.</source>
        <translation>&lt;b&gt;Contrats&lt;/b&gt;&#xa0;: la correspondance entre les champs canoniques et les champs de chaque système, avec leurs versions.</translation>
    </message>
    <message>
        <source>&lt;p&gt;The tamper-evident audit log: every change, correction, approval, replay and discard, who did it and when.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Le journal d&apos;audit infalsifiable&#xa0;: chaque modification, correction, approbation, rejeu et mise à l&apos;écart, qui l&apos;a fait et quand.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Filter&lt;/b&gt; by actor, action, object and time.</source>
        <translation>&lt;b&gt;Filtrez&lt;/b&gt; par acteur, action, objet et période.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Verify chain&lt;/b&gt; recomputes the hash chain and names the first entry that does not match.</source>
        <translation>&lt;b&gt;Vérifier la chaîne&lt;/b&gt; recalcule la chaîne de hachage et indique la première entrée qui ne correspond pas.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Export&lt;/b&gt; writes CSV, JSONL, a PDF report and OpenLineage events for a time range and a set of objects, with a manifest of checksums that &lt;tt&gt;mdsyncctl verify-export&lt;/tt&gt; checks offline.</source>
        <translation>&lt;b&gt;Exporter&lt;/b&gt; écrit du CSV, du JSONL, un rapport PDF et des événements OpenLineage pour une période et un ensemble d&apos;objets, avec un manifeste de sommes de contrôle que &lt;tt&gt;mdsyncctl verify-export&lt;/tt&gt; vérifie hors ligne.</translation>
    </message>
    <message>
        <source>Help for the current view</source>
        <translation>Aide sur la vue actuelle</translation>
    </message>
    <message>
        <source>Open a workspace</source>
        <translation>Ouvrir un espace de travail</translation>
    </message>
    <message>
        <source>Create a workspace</source>
        <translation>Créer un espace de travail</translation>
    </message>
    <message>
        <source>J or Alt+Down</source>
        <translation>J ou Alt+Bas</translation>
    </message>
    <message>
        <source>Exceptions: next</source>
        <translation>Exceptions&#xa0;: suivante</translation>
    </message>
    <message>
        <source>K or Alt+Up</source>
        <translation>K ou Alt+Haut</translation>
    </message>
    <message>
        <source>Exceptions: previous</source>
        <translation>Exceptions&#xa0;: précédente</translation>
    </message>
    <message>
        <source>Ctrl+Shift+A</source>
        <translation>Ctrl+Maj+A</translation>
    </message>
    <message>
        <source>Exceptions: assign the selection to me</source>
        <translation>Exceptions&#xa0;: m&apos;attribuer la sélection</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Exceptions: replay the selection</source>
        <translation>Exceptions&#xa0;: rejouer la sélection</translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation>Ctrl+D</translation>
    </message>
    <message>
        <source>Exceptions: discard the selection with a reason</source>
        <translation>Exceptions&#xa0;: écarter la sélection avec un motif</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Exceptions: go to the filter</source>
        <translation>Exceptions&#xa0;: aller au filtre</translation>
    </message>
    <message>
        <source>&lt;p&gt;MDSync keeps master data consistent across PLM, ERP, MES, WMS and the other systems of a plant. Its core validates each change against the canonical model and the system-of-record policy, stores it as a revision and delivers it to every subscribing system.&lt;/p&gt;</source>
        <translation>&lt;p&gt;MDSync maintient la cohérence des données de référence entre PLM, ERP, MES, WMS et les autres systèmes d&apos;une usine. Son moteur valide chaque modification par rapport au modèle canonique et aux règles de système de référence, l&apos;enregistre comme révision et la livre à chaque système abonné.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Open the live demo&lt;/b&gt; to try it: simulated systems and traffic, with faults, in a workspace of its own.</source>
        <translation>&lt;b&gt;Ouvrez la démo en direct&lt;/b&gt; pour l&apos;essayer&#xa0;: systèmes et trafic simulés, avec des pannes, dans un espace de travail dédié.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Create a workspace&lt;/b&gt; from a landscape file that lists your systems, ownership and subscriptions (or from the built-in example landscape).</source>
        <translation>&lt;b&gt;Créez un espace de travail&lt;/b&gt; à partir d&apos;un fichier de paysage qui décrit vos systèmes, la propriété des données et les abonnements (ou à partir du paysage d&apos;exemple intégré).</translation>
    </message>
    <message>
        <source>&lt;b&gt;Open a workspace&lt;/b&gt; file (.mdsync) that &lt;tt&gt;mdsyncctl init&lt;/tt&gt; or this window created.</source>
        <translation>&lt;b&gt;Ouvrez un fichier d&apos;espace de travail&lt;/b&gt; (.mdsync) créé par &lt;tt&gt;mdsyncctl init&lt;/tt&gt; ou par cette fenêtre.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Each view has its own help page: press %1 there.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Chaque vue a sa propre page d&apos;aide&#xa0;: appuyez sur %1 dans la vue.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tiles&lt;/b&gt;: backlog, deliveries acknowledged in the last hour, retry rate, p95 latency, SLA breaches, open exceptions by severity, mean time to repair and target outages (the targets down now, the longest since when, outage minutes and mean time to recovery over 30 days). Click a tile to open the list behind it.</source>
        <translation>&lt;b&gt;Tuiles&lt;/b&gt; : arriéré, livraisons acquittées dans la dernière heure, taux de nouvelles tentatives, latence p95, dépassements de SLA, exceptions ouvertes par gravité, temps moyen de résolution et pannes des systèmes cibles (les systèmes en panne maintenant, la plus longue depuis quand, minutes de panne et temps moyen de rétablissement sur 30 jours). Un clic sur une tuile ouvre la liste correspondante.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Target outage&lt;/b&gt; (category &lt;tt&gt;target_outage&lt;/tt&gt;): one incident per target that is down; its deliveries wait and are sent when the target answers a probe again. From the incident a steward can &lt;b&gt;Probe now&lt;/b&gt; (one probe at once instead of waiting for the schedule; the circuit closes if the target answers) and &lt;b&gt;Pause target&lt;/b&gt; / &lt;b&gt;Resume target&lt;/b&gt;. Each needs a reason and is recorded in the audit log.</source>
        <translation>&lt;b&gt;Panne du système cible&lt;/b&gt; (catégorie &lt;tt&gt;target_outage&lt;/tt&gt;) : un incident par système cible en panne ; ses livraisons attendent et partent dès que le système répond de nouveau à une sonde. Depuis l&apos;incident, un steward peut &lt;b&gt;Sonder maintenant&lt;/b&gt; (une sonde tout de suite au lieu d&apos;attendre le calendrier ; le disjoncteur se ferme si le système répond) et &lt;b&gt;Suspendre le système cible&lt;/b&gt; / &lt;b&gt;Reprendre le système cible&lt;/b&gt;. Chaque action exige un motif et est consignée dans le journal d&apos;audit.</translation>
    </message>
    <message>
        <source>Mapping editor</source>
        <translation>Éditeur de mappage</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edit how one target receives one domain: each target field, where its value comes from and how it is transformed. Open it from &lt;b&gt;Policies → Subscriptions → Edit mapping…&lt;/b&gt; or &lt;b&gt;View → Mapping editor&lt;/b&gt;. Nothing changes until a proposal is approved by another admin.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Modifiez la façon dont une cible reçoit un domaine&#xa0;: chaque champ cible, l&apos;origine de sa valeur et sa transformation. Ouvrez l&apos;éditeur depuis &lt;b&gt;Politiques → Abonnements → Modifier le mappage…&lt;/b&gt; ou &lt;b&gt;Affichage → Éditeur de mappage&lt;/b&gt;. Rien ne change tant qu&apos;une proposition n&apos;a pas été approuvée par un autre admin.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Target&lt;/b&gt; and &lt;b&gt;domain&lt;/b&gt; choose the contract the subscription uses; &lt;b&gt;on loss&lt;/b&gt; says whether an issue that loses information blocks the delivery or is sent with a warning.</source>
        <translation>&lt;b&gt;Cible&lt;/b&gt; et &lt;b&gt;domaine&lt;/b&gt; choisissent le contrat utilisé par l&apos;abonnement&#xa0;; &lt;b&gt;en cas de perte&lt;/b&gt; indique si un problème qui perd de l&apos;information bloque la livraison ou si celle-ci est envoyée avec un avertissement.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Source&lt;/b&gt;: a canonical attribute, &lt;tt&gt;$key&lt;/tt&gt; (the object key), &lt;tt&gt;=&lt;/tt&gt; followed by a constant (&lt;tt&gt;=&quot;MDSYNC&quot;&lt;/tt&gt;, &lt;tt&gt;=true&lt;/tt&gt;), or a format with placeholders such as &lt;tt&gt;{description} ({$key})&lt;/tt&gt;.</source>
        <translation>&lt;b&gt;Source&lt;/b&gt;&#xa0;: un attribut canonique, &lt;tt&gt;$key&lt;/tt&gt; (la clé de l&apos;objet), &lt;tt&gt;=&lt;/tt&gt; suivi d&apos;une constante (&lt;tt&gt;=&quot;MDSYNC&quot;&lt;/tt&gt;, &lt;tt&gt;=true&lt;/tt&gt;) ou un format avec des espaces réservés comme &lt;tt&gt;{description} ({$key})&lt;/tt&gt;.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Unit&lt;/b&gt; and &lt;b&gt;decimals&lt;/b&gt; convert and round quantities; &lt;b&gt;max length&lt;/b&gt; cuts text; &lt;b&gt;code map&lt;/b&gt; is written &lt;tt&gt;ambient=AMB, cool=COOL&lt;/tt&gt;; &lt;b&gt;date format&lt;/b&gt; is a pattern such as &lt;tt&gt;dd.MM.yyyy&lt;/tt&gt;; &lt;b&gt;required&lt;/b&gt; blocks a payload without the field; &lt;b&gt;editable&lt;/b&gt; lets stewards correct it.</source>
        <translation>&lt;b&gt;Unité&lt;/b&gt; et &lt;b&gt;décimales&lt;/b&gt; convertissent et arrondissent les quantités&#xa0;; &lt;b&gt;longueur max.&lt;/b&gt; tronque le texte&#xa0;; &lt;b&gt;table de codes&lt;/b&gt; s&apos;écrit &lt;tt&gt;ambient=AMB, cool=COOL&lt;/tt&gt;&#xa0;; &lt;b&gt;format de date&lt;/b&gt; est un masque comme &lt;tt&gt;dd.MM.yyyy&lt;/tt&gt;&#xa0;; &lt;b&gt;obligatoire&lt;/b&gt; bloque une charge utile sans ce champ&#xa0;; &lt;b&gt;modifiable&lt;/b&gt; permet aux gestionnaires de données de le corriger.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Preview&lt;/b&gt;: pick an object (Ctrl+L). The payload the edited contract makes is shown with the differences from what the target last acknowledged (changed fields in bold, with the kind of change). It is recomputed shortly after every edit.</source>
        <translation>&lt;b&gt;Aperçu&lt;/b&gt;&#xa0;: choisissez un objet (Ctrl+L). La charge utile produite par le contrat modifié s&apos;affiche avec les différences par rapport à ce que la cible a acquitté en dernier (champs modifiés en gras, avec le type de modification). Elle est recalculée peu après chaque modification.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Issues&lt;/b&gt; appear on the field&apos;s row (an icon and a tooltip) and in the list below: a red icon blocks the delivery, a yellow one loses information but is sent with a warning.</source>
        <translation>Les &lt;b&gt;problèmes&lt;/b&gt; apparaissent sur la ligne du champ (une icône et une infobulle) et dans la liste ci-dessous&#xa0;: une icône rouge bloque la livraison, une jaune perd de l&apos;information mais la livraison est envoyée avec un avertissement.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Save as proposal…&lt;/b&gt; (Ctrl+S, admins only) asks for a reason and an effective time and proposes the whole contracts document with a new version. The core checks it, runs its test samples and a trial on real objects, and shows the summary, or why it refused.</source>
        <translation>&lt;b&gt;Enregistrer comme proposition…&lt;/b&gt; (Ctrl+S, admins uniquement) demande un motif et une date d&apos;effet, puis propose l&apos;ensemble du document des contrats avec une nouvelle version. Le moteur le vérifie, exécute ses échantillons de test et un essai sur des objets réels, puis affiche le résumé ou la raison de son refus.</translation>
    </message>
    <message>
        <source>Keys: F2 or typing edits a cell, Space toggles a flag, Ctrl+N adds a field, Ctrl+Delete removes it, Alt+Up and Alt+Down move it, Ctrl+Z undoes, Ctrl+Shift+Z redoes, F5 previews now, F1 shows this page.</source>
        <translation>Touches&#xa0;: F2 ou la saisie modifie une cellule, Espace active ou désactive un indicateur, Ctrl+N ajoute un champ, Ctrl+Delete le supprime, Alt+Up et Alt+Down le déplacent, Ctrl+Z annule, Ctrl+Maj+Z rétablit, F5 actualise l&apos;aperçu, F1 affiche cette page.</translation>
    </message>
    <message>
        <source>Ctrl+M</source>
        <translation>Ctrl+M</translation>
    </message>
    <message>
        <source>The mapping editor (F1 there: its keys)</source>
        <translation>L&apos;éditeur de mappage (F1 dans l&apos;éditeur&#xa0;: ses touches)</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertes</translation>
    </message>
    <message>
        <source>&lt;p&gt;What needs a human now: the alerts the core&apos;s rules raised (stale deliveries past their SLA, watched attributes that changed, too many open exceptions, a target down too long).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Ce qui demande une intervention humaine maintenant&#xa0;: les alertes déclenchées par les règles du moteur (livraisons en souffrance au-delà de leur SLA, attributs surveillés qui ont changé, trop d&apos;exceptions ouvertes, une cible en panne depuis trop longtemps).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Status&lt;/b&gt;: open, acknowledged, cleared or all, with the number of each.</source>
        <translation>&lt;b&gt;Statut&lt;/b&gt;&#xa0;: ouvertes, acquittées, résolues ou toutes, avec le nombre de chacune.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Detail&lt;/b&gt;: why the alert fired in words (the changes old → new and their source, the referenced objects, the overdue count, since when a target is down), the notifications sent, and the raw details one click away.</source>
        <translation>&lt;b&gt;Détail&lt;/b&gt;&#xa0;: pourquoi l&apos;alerte s&apos;est déclenchée, en clair (les modifications ancien → nouveau et leur source, les objets référencés, le nombre de révisions en retard, depuis quand une cible est en panne), les notifications envoyées, et les détails bruts à un clic.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Show object&lt;/b&gt; opens the lineage of the object the alert names (the links in the detail open the referenced objects); &lt;b&gt;Show exceptions&lt;/b&gt; the backlog filtered to its domain, target and object; &lt;b&gt;Show in matrix&lt;/b&gt; the propagation matrix of its domain and target. Enter or a double-click does the first that applies.</source>
        <translation>&lt;b&gt;Afficher l&apos;objet&lt;/b&gt; ouvre le lignage de l&apos;objet mentionné par l&apos;alerte (les liens du détail ouvrent les objets référencés)&#xa0;; &lt;b&gt;Afficher les exceptions&lt;/b&gt;, l&apos;arriéré filtré sur son domaine, sa cible et son objet&#xa0;; &lt;b&gt;Afficher dans la matrice&lt;/b&gt;, la matrice de propagation de son domaine et de sa cible. Entrée ou un double-clic exécute la première action applicable.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Acknowledge…&lt;/b&gt; an open alert with an optional note (stewards, approvers and admins); it is recorded with your name in the audit log. A condition alert clears by itself when the condition no longer holds.</source>
        <translation>&lt;b&gt;Acquitter…&lt;/b&gt; une alerte ouverte avec une note facultative (gestionnaires de données, approbateurs et admins)&#xa0;; l&apos;acquittement est consigné à votre nom dans le journal d&apos;audit. Une alerte de condition se résout d&apos;elle-même quand la condition n&apos;est plus remplie.</translation>
    </message>
    <message>
        <source>Ctrl+1 … Ctrl+7</source>
        <translation>Ctrl+1 … Ctrl+7</translation>
    </message>
    <message>
        <source>Dashboard, matrix, lineage, exceptions, policies, audit, alerts</source>
        <translation>Tableau de bord, matrice, lignage, exceptions, politiques, audit, alertes</translation>
    </message>
    <message>
        <source>&lt;b&gt;Duplicate suspect&lt;/b&gt; (category &lt;tt&gt;duplicate_suspect&lt;/tt&gt;): a created object that looks like an existing one; the Problem tab shows the two side by side. If they are different objects, give the reason and click &lt;b&gt;Not a duplicate&lt;/b&gt;: the decision is remembered for the pair, the suspect is resolved, both objects&apos; lineage and the audit log record it, and the pair is never raised again (a stewards&apos; or admins&apos; action; also &lt;tt&gt;mdsyncctl duplicates dismiss&lt;/tt&gt;). If they are one object, give the reason and click &lt;b&gt;Merge into&lt;/b&gt; the one that stays: the other is retired at the targets (or redirected, as each target&apos;s contract says), its key becomes an alias, and objects that reference it get new revisions that reference the survivor. In a domain with critical attribute groups an approver other than you approves the merge here (&lt;b&gt;Approve merge&lt;/b&gt; / &lt;b&gt;Reject merge&lt;/b&gt;; also &lt;tt&gt;mdsyncctl duplicates merge&lt;/tt&gt; and &lt;tt&gt;approve-merge&lt;/tt&gt;).</source>
        <translation>&lt;b&gt;Doublon suspecté&lt;/b&gt; (catégorie &lt;tt&gt;duplicate_suspect&lt;/tt&gt;)&#xa0;: un objet créé qui ressemble à un objet existant&#xa0;; l&apos;onglet Problème montre les deux côte à côte. S&apos;il s&apos;agit d&apos;objets différents, donnez la raison et cliquez sur &lt;b&gt;Pas un doublon&lt;/b&gt;&#xa0;: la décision est mémorisée pour la paire, le doublon suspecté est résolu, la traçabilité des deux objets et le journal d&apos;audit l&apos;enregistrent, et la paire n&apos;est plus jamais signalée (action des stewards ou des admins&#xa0;; aussi &lt;tt&gt;mdsyncctl duplicates dismiss&lt;/tt&gt;). S&apos;il s&apos;agit d&apos;un seul objet, donnez la raison et cliquez sur &lt;b&gt;Fusionner dans&lt;/b&gt; celui qui reste&#xa0;: l&apos;autre est retiré dans les systèmes cibles (ou redirigé, selon le contrat de chaque cible), sa clé devient un alias, et les objets qui y font référence reçoivent de nouvelles révisions qui désignent l&apos;objet conservé. Dans un domaine à groupes d&apos;attributs critiques, un autre approbateur approuve la fusion ici (&lt;b&gt;Approuver la fusion&lt;/b&gt; / &lt;b&gt;Rejeter la fusion&lt;/b&gt;&#xa0;; aussi &lt;tt&gt;mdsyncctl duplicates merge&lt;/tt&gt; et &lt;tt&gt;approve-merge&lt;/tt&gt;).</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::HelpWindow</name>
    <message>
        <source>MDSync help</source>
        <translation>Aide de MDSync</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::Keyring</name>
    <message>
        <source>the desktop keyring (Secret Service) is not available: %1</source>
        <translation>le trousseau du bureau (Secret Service) n’est pas disponible : %1</translation>
    </message>
    <message>
        <source>the desktop keyring failed: %1</source>
        <translation>le trousseau du bureau a échoué : %1</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::LanguageMenu</name>
    <message>
        <source>La&amp;nguage</source>
        <translation>Lan&amp;gue</translation>
    </message>
    <message>
        <source>&amp;System default</source>
        <translation>Langue du &amp;système</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>The new language takes effect the next time MDSync starts.</source>
        <translation>La nouvelle langue prendra effet au prochain démarrage de MDSync.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::LineageView</name>
    <message>
        <source>Object key, e.g. FG-1000</source>
        <translation>Clé d&apos;objet, p. ex. FG-1000</translation>
    </message>
    <message>
        <source>Show lineage</source>
        <translation>Afficher le lignage</translation>
    </message>
    <message>
        <source>Object:</source>
        <translation>Objet&#xa0;:</translation>
    </message>
    <message>
        <source>Click an event for its details and the revision&apos;s changes. Wheel: zoom, drag: pan.</source>
        <translation>Cliquez sur un événement pour voir ses détails et les modifications de la révision. Molette&#xa0;: zoom, glisser&#xa0;: déplacer.</translation>
    </message>
    <message>
        <source>Point in time: each attribute&apos;s value, owner and supplier</source>
        <translation>À un instant donné&#xa0;: valeur, propriétaire et fournisseur de chaque attribut</translation>
    </message>
    <message>
        <source>Show authority at this time</source>
        <translation>Afficher l&apos;autorité à cet instant</translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation>Attribut</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Propriétaire</translation>
    </message>
    <message>
        <source>Supplied by</source>
        <translation>Fourni par</translation>
    </message>
    <message>
        <source>Revision</source>
        <translation>Révision</translation>
    </message>
    <message>
        <source>revision %1</source>
        <translation>révision %1</translation>
    </message>
    <message>
        <source> by %1</source>
        <translation> par %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2: %n event(s), correlation %3</source>
        <translation>
            <numerusform>%1 %2&#xa0;: %n événement, corrélation %3</numerusform>
            <numerusform>%1 %2&#xa0;: %n événements, corrélation %3</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>

Revision %1 from %2 (%3), changes:
</source>
        <translation>

Révision %1 de %2 (%3), modifications&#xa0;:
</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucune)</translation>
    </message>
    <message>
        <source>At %1: revision %2, landscape %3</source>
        <translation>Le %1&#xa0;: révision %2, paysage %3</translation>
    </message>
    <message>
        <source>At %1 the object did not exist yet</source>
        <translation>Le %1, l&apos;objet n&apos;existait pas encore</translation>
    </message>
    <message>
        <source> via steward %1</source>
        <translation> via le gestionnaire de données %1</translation>
    </message>
    <message>
        <source>, approved by %1</source>
        <translation>, approuvé par %1</translation>
    </message>
    <message>
        <source>Lineage</source>
        <translation>Lignage</translation>
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
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>Open the &amp;live demo</source>
        <translation>Ouvrir la &amp;démo en direct</translation>
    </message>
    <message>
        <source>&amp;New workspace…</source>
        <translation>&amp;Nouvel espace de travail…</translation>
    </message>
    <message>
        <source>&amp;Open workspace…</source>
        <translation>&amp;Ouvrir un espace de travail…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>Ouvrir un espace &amp;récent</translation>
    </message>
    <message>
        <source>&amp;Close workspace</source>
        <translation>&amp;Fermer l&apos;espace de travail</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Tableau de bord</translation>
    </message>
    <message>
        <source>&amp;Propagation matrix</source>
        <translation>Matrice de &amp;propagation</translation>
    </message>
    <message>
        <source>&amp;Lineage</source>
        <translation>&amp;Lignage</translation>
    </message>
    <message>
        <source>&amp;Exceptions</source>
        <translation>&amp;Exceptions</translation>
    </message>
    <message>
        <source>P&amp;olicies</source>
        <translation>P&amp;olitiques</translation>
    </message>
    <message>
        <source>&amp;Audit</source>
        <translation>&amp;Audit</translation>
    </message>
    <message>
        <source>&amp;Core</source>
        <translation>&amp;Moteur</translation>
    </message>
    <message>
        <source>&amp;Pause sending</source>
        <translation>&amp;Suspendre l&apos;envoi</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aid&amp;e</translation>
    </message>
    <message>
        <source>&amp;About MDSync</source>
        <translation>À &amp;propos de MDSync</translation>
    </message>
    <message>
        <source>About MDSync</source>
        <translation>À propos de MDSync</translation>
    </message>
    <message>
        <source>&lt;h3&gt;MDSync Control Tower %1&lt;/h3&gt;&lt;p&gt;Governed master data synchronisation for manufacturers: PLM, ERP, MES, WMS and more, with stewardship and audit.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MDSync Control Tower %1&lt;/h3&gt;&lt;p&gt;Synchronisation gouvernée des données de référence pour les industriels&#xa0;: PLM, ERP, MES, WMS et bien d&apos;autres, avec gestion des données et audit.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Core: %1</source>
        <translation>Moteur&#xa0;: %1</translation>
    </message>
    <message>
        <source>MDSync core</source>
        <translation>Moteur MDSync</translation>
    </message>
    <message>
        <source>%1 — MDSync Control Tower</source>
        <translation>%1 — MDSync Control Tower</translation>
    </message>
    <message>
        <source>No workspace</source>
        <translation>Aucun espace de travail</translation>
    </message>
    <message>
        <source>Core stopped</source>
        <translation>Moteur arrêté</translation>
    </message>
    <message>
        <source>Core starting…</source>
        <translation>Démarrage du moteur…</translation>
    </message>
    <message>
        <source>Core running</source>
        <translation>Moteur en marche</translation>
    </message>
    <message>
        <source>Core paused (not sending)</source>
        <translation>Moteur suspendu (pas d&apos;envoi)</translation>
    </message>
    <message>
        <source>Core failed</source>
        <translation>Échec du moteur</translation>
    </message>
    <message>
        <source>Backlog: %L1</source>
        <translation>Arriéré&#xa0;: %L1</translation>
    </message>
    <message>
        <source>Open exceptions: %L1</source>
        <translation>Exceptions ouvertes&#xa0;: %L1</translation>
    </message>
    <message numerus="yes">
        <source>%1 (and %n more)</source>
        <translation>
            <numerusform>%1 (et %n autre)</numerusform>
            <numerusform>%1 (et %n autres)</numerusform>
        </translation>
    </message>
    <message>
        <source>MDSync alert</source>
        <translation>Alerte MDSync</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Alerte&#xa0;: %1</translation>
    </message>
    <message>
        <source>Open workspace</source>
        <translation>Ouvrir un espace de travail</translation>
    </message>
    <message>
        <source>MDSync workspaces (*.mdsync);;All files (*)</source>
        <translation>Espaces de travail MDSync (*.mdsync);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>&amp;Help for this view</source>
        <translation>&amp;Aide sur cette vue</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>Create a workspace</source>
        <translation>Créer un espace de travail</translation>
    </message>
    <message>
        <source>The workspace was not created.</source>
        <translation>L&apos;espace de travail n&apos;a pas été créé.</translation>
    </message>
    <message>
        <source>Open &amp;shared workspace…</source>
        <translation>Ouvrir un espace de travail &amp;partagé…</translation>
    </message>
    <message>
        <source>Shared workspace: deliveries sent by the workspace&apos;s service</source>
        <translation>Espace partagé : les livraisons sont envoyées par le service de l&apos;espace</translation>
    </message>
    <message>
        <source>On a shared workspace the workspace&apos;s service (mdsyncctl run) sends the deliveries; a target is paused for everyone with mdsyncctl pause --target</source>
        <translation>Dans un espace partagé, le service de l&apos;espace (mdsyncctl run) envoie les livraisons ; une cible se suspend pour tous avec mdsyncctl pause --target</translation>
    </message>
    <message>
        <source>&amp;Mapping editor…</source>
        <translation>Éditeur de &amp;mappage…</translation>
    </message>
    <message>
        <source>A&amp;lerts</source>
        <translation>Ale&amp;rtes</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::MappingEditor</name>
    <message>
        <source>On loss: block</source>
        <translation>En cas de perte&#xa0;: bloquer</translation>
    </message>
    <message>
        <source>On loss: warn</source>
        <translation>En cas de perte&#xa0;: avertir</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>Mapping editor</source>
        <translation>Éditeur de mappage</translation>
    </message>
    <message>
        <source>block the delivery</source>
        <translation>bloquer la livraison</translation>
    </message>
    <message>
        <source>send with a warning</source>
        <translation>envoyer avec un avertissement</translation>
    </message>
    <message>
        <source>What an issue that loses information (a cut text, a rounding, a code without target value) does: on_loss</source>
        <translation>Ce que fait un problème qui perd de l&apos;information (un texte tronqué, un arrondi, un code sans valeur cible)&#xa0;: on_loss</translation>
    </message>
    <message>
        <source>On &amp;loss:</source>
        <translation>En cas de &amp;perte&#xa0;:</translation>
    </message>
    <message>
        <source>object key…</source>
        <translation>clé d&apos;objet…</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Cible&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Domaine&#xa0;:</translation>
    </message>
    <message>
        <source>Preview &amp;object:</source>
        <translation>&amp;Objet de l&apos;aperçu&#xa0;:</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>Add field</source>
        <translation>Ajouter un champ</translation>
    </message>
    <message>
        <source>Remove field</source>
        <translation>Supprimer le champ</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Monter</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Descendre</translation>
    </message>
    <message>
        <source>Preview now</source>
        <translation>Actualiser l&apos;aperçu</translation>
    </message>
    <message>
        <source>Save as proposal…</source>
        <translation>Enregistrer comme proposition…</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Aide</translation>
    </message>
    <message>
        <source>Pick an object</source>
        <translation>Choisir un objet</translation>
    </message>
    <message>
        <source>Target field</source>
        <translation>Champ cible</translation>
    </message>
    <message>
        <source>Source (attribute, $key, =constant or {format})</source>
        <translation>Source (attribut, $key, =constant ou {format})</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unité</translation>
    </message>
    <message>
        <source>Decimals</source>
        <translation>Décimales</translation>
    </message>
    <message>
        <source>Max length</source>
        <translation>Longueur max.</translation>
    </message>
    <message>
        <source>Code map</source>
        <translation>Table de codes</translation>
    </message>
    <message>
        <source>Date format</source>
        <translation>Format de date</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Obligatoire</translation>
    </message>
    <message>
        <source>Editable</source>
        <translation>Modifiable</translation>
    </message>
    <message>
        <source>The payload the edited contract makes of the object</source>
        <translation>La charge utile que le contrat modifié produit à partir de l&apos;objet</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>Edited contract</source>
        <translation>Contrat modifié</translation>
    </message>
    <message>
        <source>Last acknowledged</source>
        <translation>Dernière valeur acquittée</translation>
    </message>
    <message>
        <source>Loading the contracts in force…</source>
        <translation>Chargement des contrats en vigueur…</translation>
    </message>
    <message>
        <source>Cannot read the contracts in force: %1</source>
        <translation>Impossible de lire les contrats en vigueur&#xa0;: %1</translation>
    </message>
    <message>
        <source>Propose the edited contracts for a second admin&apos;s approval (%1)</source>
        <translation>Proposer les contrats modifiés à l&apos;approbation d&apos;un second admin (%1)</translation>
    </message>
    <message>
        <source>Only admins can propose contract changes; %1 is not an admin</source>
        <translation>Seuls les admins peuvent proposer des modifications de contrat&#xa0;; %1 n&apos;est pas admin</translation>
    </message>
    <message>
        <source>Discard the edits of %1 that were not proposed?</source>
        <translation>Abandonner les modifications de %1 qui n&apos;ont pas été proposées&#xa0;?</translation>
    </message>
    <message>
        <source>Contract &lt;b&gt;%1&lt;/b&gt; (contracts %2)</source>
        <translation>Contrat &lt;b&gt;%1&lt;/b&gt; (contrats %2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; has no contract yet (generic): a new one</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; n&apos;a pas encore de contrat (générique)&#xa0;: un nouveau</translation>
    </message>
    <message>
        <source>Edit a cell with F2 or by typing; Ctrl+Z undoes, Ctrl+Shift+Z redoes.</source>
        <translation>Modifiez une cellule avec F2 ou en tapant&#xa0;; Ctrl+Z annule, Ctrl+Maj+Z rétablit.</translation>
    </message>
    <message>
        <source>Cannot list the objects: %1</source>
        <translation>Impossible de lister les objets&#xa0;: %1</translation>
    </message>
    <message>
        <source>Remove field %1</source>
        <translation>Supprimer le champ %1</translation>
    </message>
    <message>
        <source>Move field %1</source>
        <translation>Déplacer le champ %1</translation>
    </message>
    <message numerus="yes">
        <source>A table: %n column(s) mapped row by row (kept as they are)</source>
        <translation>
            <numerusform>Un tableau&#xa0;: %n colonne mappée ligne par ligne (conservée telle quelle)</numerusform>
            <numerusform>Un tableau&#xa0;: %n colonnes mappées ligne par ligne (conservées telles quelles)</numerusform>
        </translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>Rename field %1 to %2</source>
        <translation>Renommer le champ %1 en %2</translation>
    </message>
    <message>
        <source>Source of %1: %2</source>
        <translation>Source de %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Unit of %1</source>
        <translation>Unité de %1</translation>
    </message>
    <message>
        <source>Decimals of %1</source>
        <translation>Décimales de %1</translation>
    </message>
    <message>
        <source>Max length of %1</source>
        <translation>Longueur max. de %1</translation>
    </message>
    <message>
        <source>Code map of %1</source>
        <translation>Table de codes de %1</translation>
    </message>
    <message>
        <source>Date format of %1</source>
        <translation>Format de date de %1</translation>
    </message>
    <message>
        <source>Required: %1</source>
        <translation>Obligatoire&#xa0;: %1</translation>
    </message>
    <message>
        <source>Editable: %1</source>
        <translation>Modifiable&#xa0;: %1</translation>
    </message>
    <message>
        <source>Pick an object (Ctrl+L) to preview its payload.</source>
        <translation>Choisissez un objet (Ctrl+L) pour prévisualiser sa charge utile.</translation>
    </message>
    <message>
        <source>Previewing %1…</source>
        <translation>Aperçu de %1 en cours…</translation>
    </message>
    <message>
        <source>No preview: the edited contract does not load or the object cannot be read.</source>
        <translation>Pas d&apos;aperçu&#xa0;: le contrat modifié ne se charge pas ou l&apos;objet ne peut pas être lu.</translation>
    </message>
    <message>
        <source>%1 has acknowledged nothing of %2 yet: every field is new.</source>
        <translation>%1 n&apos;a encore rien acquitté de %2&#xa0;: chaque champ est nouveau.</translation>
    </message>
    <message>
        <source>Compared with what %1 acknowledged for %2 at %3: a steward&apos;s corrected payload of revision %4. The edited contract maps revision %5.</source>
        <translation>Par rapport à ce que %1 a acquitté pour %2 le %3&#xa0;: une charge utile de la révision %4 corrigée par un gestionnaire de données. Le contrat modifié mappe la révision %5.</translation>
    </message>
    <message>
        <source>Compared with what %1 acknowledged for %2 at %3: revision %4 mapped by contracts %5. The edited contract maps revision %6.</source>
        <translation>Par rapport à ce que %1 a acquitté pour %2 le %3&#xa0;: la révision %4 mappée par les contrats %5. Le contrat modifié mappe la révision %6.</translation>
    </message>
    <message>
        <source>added</source>
        <translation>ajouté</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>supprimé</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>modifié</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Blocks (information lost): %1</source>
        <translation>Bloque (perte d&apos;information)&#xa0;: %1</translation>
    </message>
    <message>
        <source>Blocks: %1</source>
        <translation>Bloque&#xa0;: %1</translation>
    </message>
    <message>
        <source>Information lost, sent with a warning: %1</source>
        <translation>Perte d&apos;information, livraison envoyée avec un avertissement&#xa0;: %1</translation>
    </message>
    <message>
        <source>No issues: %1 maps without loss.</source>
        <translation>Aucun problème&#xa0;: %1 est mappé sans perte.</translation>
    </message>
    <message numerus="yes">
        <source>%n field(s) differ from what %1 last acknowledged.</source>
        <translation>
            <numerusform>%n champ diffère de ce que %1 a acquitté en dernier.</numerusform>
            <numerusform>%n champs diffèrent de ce que %1 a acquitté en dernier.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> Unsaved edits: %n (Ctrl+S proposes them).</source>
        <translation>
            <numerusform> Modification non enregistrée&#xa0;: %n (Ctrl+S la propose).</numerusform>
            <numerusform> Modifications non enregistrées&#xa0;: %n (Ctrl+S les propose).</numerusform>
        </translation>
    </message>
    <message>
        <source>Save as proposal</source>
        <translation>Enregistrer comme proposition</translation>
    </message>
    <message>
        <source>Mapping %1</source>
        <translation>Mappage %1</translation>
    </message>
    <message>
        <source>Why (a change request, a target release)…</source>
        <translation>Pourquoi (une demande de modification, une nouvelle version de la cible)…</translation>
    </message>
    <message>
        <source>Takes effect on approval</source>
        <translation>Prend effet à l&apos;approbation</translation>
    </message>
    <message>
        <source>Contracts &amp;version:</source>
        <translation>&amp;Version des contrats&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Titre&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Motif&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Effective at:</source>
        <translation>Date d&apos;&amp;effet&#xa0;:</translation>
    </message>
    <message>
        <source>Propose</source>
        <translation>Proposer</translation>
    </message>
    <message>
        <source>Proposing contracts %1…</source>
        <translation>Proposition des contrats %1…</translation>
    </message>
    <message>
        <source>The proposal was refused: %1</source>
        <translation>La proposition a été refusée&#xa0;: %1</translation>
    </message>
    <message>
        <source>The core refused the proposal; nothing was stored.</source>
        <translation>Le moteur a refusé la proposition&#xa0;; rien n&apos;a été enregistré.</translation>
    </message>
    <message>
        <source>Proposal #%1 is waiting for another admin&apos;s approval.</source>
        <translation>La proposition #%1 attend l&apos;approbation d&apos;un autre admin.</translation>
    </message>
    <message>
        <source>Proposal #%1 was stored; another admin approves it (mdsyncctl approve-change --id %1).</source>
        <translation>La proposition #%1 a été enregistrée&#xa0;; un autre admin l&apos;approuve (mdsyncctl approve-change --id %1).</translation>
    </message>
    <message>
        <source>Discard the edits that were not proposed?</source>
        <translation>Abandonner les modifications qui n&apos;ont pas été proposées&#xa0;?</translation>
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
        <translation>, usines %1</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domaine</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clé</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Rev</source>
        <translation>Rév.</translation>
    </message>
    <message>
        <source>Lifecycle</source>
        <translation>Cycle de vie</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <source>%1 subscribes to %2, but its subscription filter excludes this object</source>
        <translation>%1 est abonné à %2, mais son filtre d&apos;abonnement exclut cet objet</translation>
    </message>
    <message>
        <source>%1 does not subscribe to %2</source>
        <translation>%1 n&apos;est pas abonné à %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; at %2&lt;br&gt;revision %3 (object at revision %4)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; sur %2&lt;br&gt;révision %3 (objet en révision %4)</translation>
    </message>
    <message>
        <source>&lt;br&gt;last acknowledged: revision %1</source>
        <translation>&lt;br&gt;dernière révision acquittée&#xa0;: %1</translation>
    </message>
    <message>
        <source>&lt;br&gt;status for %1</source>
        <translation>&lt;br&gt;statut depuis %1</translation>
    </message>
    <message>
        <source>&lt;br&gt;attempts: %1</source>
        <translation>&lt;br&gt;tentatives&#xa0;: %1</translation>
    </message>
    <message>
        <source>&lt;br&gt;last error: %1</source>
        <translation>&lt;br&gt;dernière erreur&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::MatrixView</name>
    <message>
        <source>Filter: key prefix or description…</source>
        <translation>Filtre&#xa0;: préfixe de clé ou description…</translation>
    </message>
    <message>
        <source>All domains</source>
        <translation>Tous les domaines</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Tout statut</translation>
    </message>
    <message>
        <source>backlog (not delivered yet)</source>
        <translation>arriéré (pas encore livré)</translation>
    </message>
    <message>
        <source>at any system</source>
        <translation>sur n&apos;importe quel système</translation>
    </message>
    <message>
        <source>All plants</source>
        <translation>Toutes les usines</translation>
    </message>
    <message>
        <source>Any age</source>
        <translation>Tout âge</translation>
    </message>
    <message>
        <source>Changed &gt; 15 min ago</source>
        <translation>Modifié il y a plus de 15 min</translation>
    </message>
    <message>
        <source>Changed &gt; 1 h ago</source>
        <translation>Modifié il y a plus de 1 h</translation>
    </message>
    <message>
        <source>Changed &gt; 1 day ago</source>
        <translation>Modifié il y a plus de 1 jour</translation>
    </message>
    <message>
        <source>Select an object to see its revisions at each system.</source>
        <translation>Sélectionnez un objet pour voir ses révisions dans chaque système.</translation>
    </message>
    <message>
        <source>Cannot read the workspace: %1</source>
        <translation>Impossible de lire l&apos;espace de travail&#xa0;: %1</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>sur %1</translation>
    </message>
    <message>
        <source>Plant %1</source>
        <translation>Usine %1</translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation>Échec de la requête&#xa0;: %1</translation>
    </message>
    <message>
        <source>Filtering…</source>
        <translation>Filtrage…</translation>
    </message>
    <message>
        <source>%L1 objects (%2 ms)</source>
        <translation>%L1 objets (%2 ms)</translation>
    </message>
    <message>
        <source>Revisions of %1 %2 (newest first; double-click a row above for its lineage)</source>
        <translation>Révisions de %1 %2 (les plus récentes d&apos;abord&#xa0;; double-cliquez sur une ligne ci-dessus pour voir son lignage)</translation>
    </message>
    <message>
        <source>Rev</source>
        <translation>Rév.</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Reçue</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Modifiée</translation>
    </message>
    <message>
        <source>Propagation</source>
        <translation>Propagation</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::NewWorkspaceDialog</name>
    <message>
        <source>Create a workspace</source>
        <translation>Créer un espace de travail</translation>
    </message>
    <message>
        <source>plant.mdsync</source>
        <translation>usine.mdsync</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Workspace file</source>
        <translation>Fichier d&apos;espace de travail</translation>
    </message>
    <message>
        <source>MDSync workspaces (*.mdsync)</source>
        <translation>Espaces de travail MDSync (*.mdsync)</translation>
    </message>
    <message>
        <source>The built-in example landscape</source>
        <translation>Le paysage d&apos;exemple intégré</translation>
    </message>
    <message>
        <source>A landscape file:</source>
        <translation>Un fichier de paysage&#xa0;:</translation>
    </message>
    <message>
        <source>landscape.json</source>
        <translation>paysage.json</translation>
    </message>
    <message>
        <source>Landscape file</source>
        <translation>Fichier de paysage</translation>
    </message>
    <message>
        <source>Landscape (*.json);;All files (*)</source>
        <translation>Paysage (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>The landscape lists your systems, which system owns each attribute group and which systems subscribe to which objects; LANDSCAPE.md in the documentation describes the file.</source>
        <translation>Le paysage décrit vos systèmes, quel système est propriétaire de chaque groupe d&apos;attributs et quels systèmes sont abonnés à quels objets&#xa0;; LANDSCAPE.md, dans la documentation, décrit ce fichier.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Créer</translation>
    </message>
    <message>
        <source>Workspace file:</source>
        <translation>Fichier d&apos;espace de travail&#xa0;:</translation>
    </message>
    <message>
        <source>Start from:</source>
        <translation>Partir de&#xa0;:</translation>
    </message>
    <message>
        <source>Choose where the workspace file goes.</source>
        <translation>Choisissez l&apos;emplacement du fichier d&apos;espace de travail.</translation>
    </message>
    <message>
        <source>Choose a landscape file, or start from the built-in example.</source>
        <translation>Choisissez un fichier de paysage ou partez de l&apos;exemple intégré.</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::PoliciesView</name>
    <message>
        <source>Domain</source>
        <translation>Domaine</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>Masque</translation>
    </message>
    <message>
        <source>SLA</source>
        <translation>SLA</translation>
    </message>
    <message>
        <source>Criticality</source>
        <translation>Criticité</translation>
    </message>
    <message>
        <source>Contract version</source>
        <translation>Version du contrat</translation>
    </message>
    <message>
        <source>Window (UTC)</source>
        <translation>Fenêtre (UTC)</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filtre</translation>
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
        <translation>En cas de perte</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>Champs</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Obligatoires</translation>
    </message>
    <message>
        <source>Editable by stewards</source>
        <translation>Modifiables par les gestionnaires</translation>
    </message>
    <message>
        <source>Used by subscriptions</source>
        <translation>Utilisé par les abonnements</translation>
    </message>
    <message>
        <source>always</source>
        <translation>toujours</translation>
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
        <translation>aucun</translation>
    </message>
    <message>
        <source>Contracts not shown: %1</source>
        <translation>Contrats non affichés&#xa0;: %1</translation>
    </message>
    <message>
        <source>block</source>
        <translation>bloquer</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>avertir</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Ownership</source>
        <translation>Propriété</translation>
    </message>
    <message>
        <source>Subscriptions</source>
        <translation>Abonnements</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>Contrats</translation>
    </message>
    <message>
        <source>Cannot read the policies: %1</source>
        <translation>Impossible de lire les politiques&#xa0;: %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <source>Attribute group</source>
        <translation>Groupe d&apos;attributs</translation>
    </message>
    <message>
        <source>Owning system</source>
        <translation>Système propriétaire</translation>
    </message>
    <message>
        <source>Model %1 · %2 ownership rules in force (%3 groups without owner) · %4 subscriptions · %5 contracts</source>
        <translation>Modèle %1 · %2 règles de propriété en vigueur (%3 groupes sans propriétaire) · %4 abonnements · %5 contrats</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>Politiques</translation>
    </message>
    <message>
        <source>&amp;Edit mapping…</source>
        <translation>&amp;Modifier le mappage…</translation>
    </message>
    <message>
        <source>Open the mapping editor on the contract of the selected subscription or contract</source>
        <translation>Ouvrir l&apos;éditeur de mappage sur le contrat de l&apos;abonnement sélectionné ou sur le contrat sélectionné</translation>
    </message>
</context>
<context>
    <name>mdsync::ui::SharedWorkspaceDialog</name>
    <message>
        <source>Open shared workspace</source>
        <translation>Ouvrir un espace de travail partagé</translation>
    </message>
    <message>
        <source>(new connection)</source>
        <translation>(nouvelle connexion)</translation>
    </message>
    <message>
        <source>db.plant.example (empty: the local socket or PGHOST)</source>
        <translation>db.usine.example (vide : le socket local ou PGHOST)</translation>
    </message>
    <message>
        <source>your database login (empty: PGUSER or your OS login)</source>
        <translation>votre identifiant de base (vide : PGUSER ou votre identifiant système)</translation>
    </message>
    <message>
        <source>a name in ~/.pg_service.conf; replaces the fields above</source>
        <translation>un nom dans ~/.pg_service.conf ; remplace les champs ci-dessus</translation>
    </message>
    <message>
        <source>&amp;Recent:</source>
        <translation>&amp;Récentes :</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Hôte :</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port :</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Base de données :</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Utilisateur :</translation>
    </message>
    <message>
        <source>or &amp;service:</source>
        <translation>ou &amp;service :</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Ouvrir</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Connected to %1 as %2: an MDSync workspace (schema version %3).</source>
        <translation>Connecté à %1 en tant que %2 : un espace de travail MDSync (version de schéma %3).</translation>
    </message>
    <message>
        <source>optional: empty for ~/.pgpass or the service file</source>
        <translation>facultatif : vide pour ~/.pgpass ou le fichier de service</translation>
    </message>
    <message>
        <source>Sa&amp;ve password in the desktop keyring</source>
        <translation>&amp;Enregistrer le mot de passe dans le trousseau du bureau</translation>
    </message>
    <message>
        <source>&amp;Forget saved password</source>
        <translation>&amp;Oublier le mot de passe enregistré</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Mot de &amp;passe :</translation>
    </message>
    <message>
        <source>The password is the one typed above (kept in memory for this session only), or the one saved in the desktop keyring for this connection, or libpq reads it from ~/.pgpass (or the file PGPASSFILE names) or the service file, or the server authenticates you without one (Kerberos, peer). It is never written to the settings or shown.</source>
        <translation>Le mot de passe est celui saisi ci-dessus (gardé en mémoire pour cette session seulement), ou celui enregistré dans le trousseau du bureau pour cette connexion, ou libpq le lit dans ~/.pgpass (ou le fichier que nomme PGPASSFILE) ou le fichier de service, ou le serveur vous authentifie sans mot de passe (Kerberos, peer). Il n’est jamais écrit dans les réglages ni affiché.</translation>
    </message>
    <message>
        <source>password from the keyring</source>
        <translation>mot de passe du trousseau</translation>
    </message>
    <message>
        <source>The password saved in the desktop keyring for this connection is used.</source>
        <translation>Le mot de passe enregistré dans le trousseau du bureau pour cette connexion est utilisé.</translation>
    </message>
    <message>
        <source>No password saved in the desktop keyring for this connection.</source>
        <translation>Aucun mot de passe enregistré dans le trousseau du bureau pour cette connexion.</translation>
    </message>
    <message>
        <source>No saved password: %1. The password comes from ~/.pgpass or the service file, or type it (kept for this session only).</source>
        <translation>Pas de mot de passe enregistré : %1. Le mot de passe vient de ~/.pgpass ou du fichier de service, ou saisissez-le (gardé pour cette session seulement).</translation>
    </message>
    <message>
        <source>The saved password is forgotten: it is no longer in the desktop keyring.</source>
        <translation>Le mot de passe enregistré est oublié : il n’est plus dans le trousseau du bureau.</translation>
    </message>
    <message>
        <source>The saved password could not be forgotten: %1</source>
        <translation>Le mot de passe enregistré n’a pas pu être oublié : %1</translation>
    </message>
    <message>
        <source>Saving the password in the desktop keyring…</source>
        <translation>Enregistrement du mot de passe dans le trousseau du bureau…</translation>
    </message>
    <message>
        <source>The password is saved in the desktop keyring.</source>
        <translation>Le mot de passe est enregistré dans le trousseau du bureau.</translation>
    </message>
    <message>
        <source>The password was not saved: %1. Open again to connect without saving it.</source>
        <translation>Le mot de passe n’a pas été enregistré : %1. Ouvrez à nouveau pour vous connecter sans l’enregistrer.</translation>
    </message>
    <message>
        <source>The password saved in the desktop keyring was used. If it has changed, type the new one: Open saves it in place of the old one.</source>
        <translation>Le mot de passe enregistré dans le trousseau du bureau a été utilisé. S’il a changé, saisissez le nouveau : Ouvrir l’enregistre à la place de l’ancien.</translation>
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
        <translation>&lt;h2&gt;MDSync Control Tower&lt;/h2&gt;&lt;p&gt;Propagation des données de référence, exceptions et audit sur l&apos;ensemble des systèmes de vos usines.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open the live demo</source>
        <translation>Ouvrir la démo en direct</translation>
    </message>
    <message>
        <source>A demo workspace with simulated PLM, ERP, MES, WMS and other systems, live traffic and faults.</source>
        <translation>Un espace de travail de démonstration avec des systèmes PLM, ERP, MES, WMS et autres simulés, du trafic en direct et des pannes.</translation>
    </message>
    <message>
        <source>Create a workspace from a landscape file</source>
        <translation>Créer un espace de travail à partir d&apos;un fichier de paysage</translation>
    </message>
    <message>
        <source>Your systems, ownership and subscriptions from a landscape file (or the built-in example).</source>
        <translation>Vos systèmes, la propriété des données et les abonnements, depuis un fichier de paysage (ou l&apos;exemple intégré).</translation>
    </message>
    <message>
        <source>Open an existing workspace</source>
        <translation>Ouvrir un espace de travail existant</translation>
    </message>
    <message>
        <source>A workspace file (.mdsync) made here or by mdsyncctl init.</source>
        <translation>Un fichier d&apos;espace de travail (.mdsync) créé ici ou par mdsyncctl init.</translation>
    </message>
    <message>
        <source>Recent workspaces</source>
        <translation>Espaces de travail récents</translation>
    </message>
    <message>
        <source>Press %1 in any view for its help page.</source>
        <translation>Appuyez sur %1 dans n&apos;importe quelle vue pour afficher sa page d&apos;aide.</translation>
    </message>
    <message>
        <source>Double-click or press Enter to open.</source>
        <translation>Double-cliquez ou appuyez sur Entrée pour ouvrir.</translation>
    </message>
    <message>
        <source>Open a shared workspace</source>
        <translation>Ouvrir un espace de travail partagé</translation>
    </message>
    <message>
        <source>Your team&apos;s workspace on a PostgreSQL server (its service sends the deliveries).</source>
        <translation>L&apos;espace de travail de votre équipe sur un serveur PostgreSQL (son service envoie les livraisons).</translation>
    </message>
    <message>
        <source>%1 (shared)</source>
        <translation>%1 (partagé)</translation>
    </message>
</context>
</TS>
