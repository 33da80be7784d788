import datetime

from django.db import migrations

CHARTER_V1 = """\
Charte d'engagement « En lieu sûr » — version 1

En affichant l'autocollant « En lieu sûr », notre établissement s'engage à :

1. Accueillir avec bienveillance toute personne qui vient de subir ou craint une agression \
(homophobe, transphobe, raciste, sexiste, violences conjugales ou intrafamiliales) et qui \
demande notre aide.
2. Respecter la personne, son identité et son genre : l'appeler par le prénom et le pronom \
qu'elle indique, sans jugement ni question intrusive.
3. Appeler pour elle le 17 (police) ou le 112 (urgences), ou l'aider à le faire, et, si elle \
est sourde ou malentendante, envoyer un SMS au 114.
4. La laisser rester à l'intérieur, en sécurité, jusqu'à l'arrivée des forces de l'ordre ou \
des secours.
5. Garder confidentiel ce qu'elle nous confie ; ne rien publier ni partager sans son accord.
6. Afficher l'autocollant de façon visible depuis l'extérieur, avec son numéro.
7. Informer chaque membre du personnel de cet engagement et de la conduite à tenir, \
y compris les nouvelles personnes recrutées.
8. Signaler au réseau tout changement (adresse, horaires, fermeture) et retirer \
l'autocollant si nous quittons le réseau.

L'établissement ne se substitue ni aux forces de l'ordre ni aux secours : il offre un abri \
et un relais le temps qu'ils arrivent.
"""


def add_first_charter(apps, schema_editor):
    Charter = apps.get_model("partners", "Charter")
    Charter.objects.get_or_create(
        version=1, defaults={"text": CHARTER_V1, "published_on": datetime.date(2026, 11, 1)}
    )


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_sticker_serial_sequence")]

    operations = [migrations.RunPython(add_first_charter, migrations.RunPython.noop)]
