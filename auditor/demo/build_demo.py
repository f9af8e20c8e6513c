"""Write ``demo-archive.zip``: a synthetic X archive (2025 layout) of a fictional social media manager.

Jordan Reyes (@jreyes_social) does not exist; every post below was invented for this demo. The brand
(Fennick Goods), the city (Port Alden), the team (the Harbor City Gulls) and every handle are made up too.
Run ``python -m auditor.demo.build_demo`` to rebuild; the output is byte-for-byte the same on every run.
"""

from __future__ import annotations

import json
import random
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20250303
USER, NAME, ACCOUNT_ID = "jreyes_social", "Jordan Reyes", "2718281828459045235"
START = datetime(2022, 3, 1, tzinfo=timezone.utc)
END = datetime(2025, 2, 27, tzinfo=timezone.utc)
GENERATED = datetime(2025, 3, 3, 9, 41, 7, tzinfo=timezone.utc)
ZIP_TIME = (2025, 3, 3, 9, 41, 8)
TWITTER_EPOCH_MS = 1288834974657
SOURCES = ('<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
           '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>')

# -- the posts (all invented) -------------------------------------------------------------------------------

HARMLESS = [
    "First coffee of the day and the inbox is already on fire. Send snacks.",
    "Spent the morning building the Q3 content calendar. Color-coded, obviously.",
    "Nothing beats a Saturday farmers market run. Came home with way too many peaches.",
    "Reminder that a walk at lunch fixes roughly 80% of problems.",
    "Our new spring mugs just landed in the studio and I am obsessed with the sage green one.",
    "Finally tried that ramen place on Ferry Street. Worth the 40 minute wait.",
    "Big thank you to everyone who came to the Fennick pop-up this weekend. You were the best part.",
    "Sunday plan: sourdough, laundry, zero notifications.",
    "If you need me I'll be reorganizing my spice drawer for no reason.",
    "Team offsite today. Someone brought a label maker and chaos followed.",
    "Gulls win in extra time!!! What a night at the stadium.",
    "Rainy day, good book, a cat that refuses to move. Perfect.",
    "Just wrapped a photo shoot for the autumn collection. The candles smell like a forest after rain.",
    "Hot take: breakfast burritos are the best food at any time of day.",
    "Learning to make dumplings from my neighbor. Mine look like tiny crumpled socks but they taste right.",
    "Booked a weekend on the coast. No laptop. I mean it this time.",
    "The new analytics dashboard is live and it is beautiful. Huge shout-out to the data team.",
    "Ran my first 10k since the pandemic. Slow, happy, sore.",
    "Product launch day! The Fennick travel kettle is finally out in the world.",
    "Somebody left homemade banana bread in the office kitchen and I want to thank them personally.",
    "Watched the sunrise from the pier this morning. Port Alden, you can be very pretty.",
    "Three hours of meetings and one of them was actually useful. Progress.",
    "My tomato plants survived the heatwave. I am now a farmer, apparently.",
    "Trying to learn the ukulele. The neighbors have been very patient.",
    "Grateful for a team that laughs at my terrible puns.",
    "Brunch with old friends from college. Some things never change, like who orders the waffles.",
    "Our community cleanup collected 60 bags of litter from the beach today. Proud of this crew.",
    "Conference season is here. Packing list: chargers, comfy shoes, business cards nobody asks for.",
    "The Gulls signed a new goalkeeper and I have a good feeling about this season.",
    "Repotted every plant in the apartment. Dirt everywhere. Zero regrets.",
    "Tip for new social media managers: write the caption last. Start with the picture and the feeling.",
    "Found a tiny bookstore in the old town with a shop dog named Biscuit. Best Tuesday ever.",
    "Made my grandmother's tamales recipe for the first time. Called her twice. She laughed both times.",
    "Friday afternoon playlist is all 90s R&B and I will not be taking questions.",
    "Had the best conversation with a customer who has owned the same Fennick skillet for 12 years.",
    "Our giveaway got 4,000 entries in a day. Winners announced Monday!",
    "Night market tonight: grilled corn, mango sticky rice, a very loud brass band.",
    "Cleaned out my camera roll. 2,000 screenshots of analytics and three photos of actual friends.",
    "Gulls lose 2-1 but that second half was a lot more fun to watch.",
    "Flight delayed, found a decent noodle bar in the terminal. Silver linings.",
    "Volunteering at the food bank this morning. If you have a free Saturday, they always need hands.",
    "Happy birthday to my little brother, who still thinks he is taller than me. He is not.",
    "Today I learned the office plant has a name. It is Gerald. Gerald is thriving.",
    "We hit 50k followers on the Fennick account! Thank you all, genuinely.",
    "Hiking the ridge trail this weekend. Bringing the good trail mix, not the sad one.",
    "Writing alt text for every image on our feeds from now on. It matters and it takes two minutes.",
    "Pumpkin spice season is upon us and I have made my peace with it.",
    "Snow day in Port Alden! The whole street is out building the world's most lopsided snowman.",
    "Our holiday gift guide is live. I wrote the copy at 1 am, so be kind.",
    "New year, same me, but with a better filing system.",
    "Spent the evening at the aquarium. The octopus was clearly judging me.",
    "Went to a pottery class and made a bowl that is technically a plate.",
    "Listening to a podcast about the history of salt and I cannot stop.",
    "Getting ready for our summer campaign shoot. Forecast says sunny. Forecast has lied before.",
    "Cooked for eight people tonight and nobody got food poisoning. Chef's kiss.",
    "Just saw the Gulls' new kit. Bold colors. I respect it.",
    "My phone says my screen time went down 20% this week. Who am I.",
    "Lunch and learn today on accessible design. Really good session, lots to take away.",
    "Quiet morning, strong coffee, a long to-do list I fully intend to ignore until 10.",
    "Finished a 1,000 piece puzzle with my mom over the holidays. Only one piece missing, as is tradition.",
    "The sunset tonight looked like someone spilled orange soda over the harbor.",
    "Road trip playlist suggestions? Need at least six hours of music.",
    "Welcome to the team, Priya! Our content squad just got a lot stronger.",
    "We shipped a redesign of the Fennick app today. Go poke around and tell us what you think.",
    "Tried paddleboarding. Fell in four times. Will absolutely go again.",
    "Does anyone else make a to-do list just to cross off 'make to-do list'?",
    "Marathon training week 6: legs are tired, spirit is willing, knees have opinions.",
    "Small win: finally got the printer to work without calling IT.",
    "Cooking tip: salt your pasta water like the sea. My uncle would be proud.",
    "Heading to Lisbon for a long weekend. Recommendations for pastries very welcome.",
    "Back from Lisbon. I ate my body weight in custard tarts and I'd do it again.",
    "Our support team answered 1,200 messages this week. Heroes, every one of them.",
    "It's the first really warm day of the year and the whole city is out on the patios.",
    "Writing a brief for our autumn video series. It's going to be cozy.",
    "Picked up a secondhand film camera. Now I just have to remember how film works.",
    "Finally hung the shelves in my living room. They are only slightly crooked.",
    "Our spring launch sold out in four hours. I need a nap and a sandwich.",
    "Game night with the neighbors. I lost at every single board game and had a great time.",
    "The Gulls are top of the table going into the break. I am cautiously thrilled.",
    "Book club picked a 700 page novel. Pray for us.",
    "Took the ferry to the islands today. Seals! Actual seals!",
    "Every campaign retro I learn something new. Today's lesson: never schedule posts during a final.",
    "Annual reminder to back up your photos. I learned this the hard way.",
    "Made a cardamom bun that actually rose. Baking is a science and today I was a scientist.",
    "Just finished a great webinar on community management. Notes are a mess but the ideas are good.",
    "Our warehouse team packed 3,000 orders before noon. Absolute machines.",
    "The new bike lane on Harbor Road made my commute twice as pleasant.",
    "I have reached the age where a new sponge for the kitchen genuinely excites me.",
    "Cozy Sunday: soup on the stove, old movie on the TV, phone in another room.",
    "Celebrating five years at Fennick today. Still love this job. Still love these people.",
    "Jury duty today. Brought a book and a lot of patience.",
    "The marathon is done! 4 hours 31 minutes and I cried at the finish line.",
    "Spring cleaning the brand guidelines. Goodbye, three slightly different shades of blue.",
    "Tried a new cold brew recipe and now I can hear colors.",
    "The studio cat knocked over our product display mid-shoot and honestly it's the best photo we took.",
    "Tell me your favorite underrated kitchen gadget. I'll go first: a bench scraper.",
    "Bought tickets for the jazz festival. Three days of music by the water.",
    "New Fennick colorway drops Thursday. It's called Harbor Fog and I named it, so be nice.",
    "Working from the cafe down the street today. Their wifi password is a pun and I love them for it.",
    "Teaching my niece to ride a bike. She is braver than I ever was.",
    "Gulls fans, we are going to the final!!!",
    "Dentist said I'm doing great. I said thank you. I've never felt so validated.",
    "Three years of running our brand account and the comments section still surprises me daily.",
    "A customer sent us a photo of their grandmother using our teapot. Best email of the year.",
    "Finally, a weekend with nothing planned. I'm going to do absolutely nothing and love it.",
    "Went to the science museum and spent an hour at the kids' water table. No regrets.",
    "Design review went great. The team really nailed the packaging.",
    "Stuck in traffic but the radio is playing a song I haven't heard since high school.",
    "Our team won the office chili cook-off. The secret ingredient is cocoa. Don't tell anyone.",
    "The new season of that baking show is out and I know what my evenings look like now.",
    "Going offline for a week of camping. See you on the other side, internet.",
    "Back from camping. I smell like a campfire and I've never been calmer.",
    "Hosting a Fennick live stream tomorrow at 6. Bring questions about cast iron care.",
    "Week 12 of learning Spanish and I can now order coffee with confidence.",
    "Grateful for friends who show up with soup when you're sick.",
    "Our newsletter open rate is up 15% since we started writing like humans. Who knew.",
    "Rewatched the final on replay. Still yelling at the TV. Still worth it.",
    "Hello 6 am flight, my old enemy.",
    "Saw a dog in a tiny raincoat today and it fixed my whole mood.",
    "Finally read the book everyone has been recommending. Everyone was right.",
    "Tomorrow we launch the recycled packaging line. Months of work. So proud of this team.",
    "If you are at the maker fair this weekend, come say hi at booth 14!",
]

FOODS = ["shakshuka", "a big pot of chili", "lemon risotto", "fish tacos", "mushroom stroganoff",
         "pad see ew", "a sheet-pan curry", "corn fritters", "black bean soup", "homemade pizza",
         "carrot cake", "a frittata", "spicy peanut noodles", "chicken adobo", "ratatouille"]
FOOD_ENDS = ["Ten out of ten, would cook again.", "The kitchen is a disaster but worth it.",
             "Leftovers for days.", "Recipe from a card in my mom's handwriting.",
             "Not pretty, very tasty.", "My roommate asked for seconds, so that's a win."]
PLACES = ["the lake", "the old lighthouse", "the botanical garden", "the north trail", "the river path",
          "the flower market", "the harbor", "the sculpture park"]
PLACE_ENDS = ["Needed that.", "Phone stayed in my pocket the whole time.", "Best part of my week.",
              "Brought a thermos of tea and stayed way too long.",
              "Saw three herons and one very bold squirrel."]
WORK = ["Drafting captions for next week's launch", "Reviewing our community guidelines",
        "Planning a creator collab for the summer", "Editing reels for the holiday campaign",
        "Prepping the monthly social report", "Testing a new scheduling tool",
        "Running a workshop on brand voice", "Sorting 400 customer photos for a UGC gallery"]
WORK_ENDS = ["Wish me luck.", "Coffee number three.", "Honestly kind of fun.", "Send help and pastries.",
             "Deep focus mode on.", "Playlist: lo-fi beats, volume low."]

REPLIES_HARMLESS = [
    ("mara_builds", "Congrats!! So well deserved, you've worked so hard on this."),
    ("devonk_eats", "Okay you have convinced me, going there Friday."),
    ("fennickgoods", "Thanks for sharing this, the team loved it!"),
    ("the_rileyb", "Ha, same. My plants only survive out of spite."),
    ("samir_tran", "Yes! Send me the link to the slides please."),
    ("portalden_news", "Is the ferry still running on the weekend schedule?"),
    ("mara_builds", "I'll bring the dip, you bring the playlist."),
    ("lenaphotos", "These shots are gorgeous, the light is perfect."),
    ("devonk_eats", "The dumplings at the corner place are better, fight me (politely)."),
    ("the_rileyb", "Happy birthday!!! Hope it's a good one."),
    ("samir_tran", "Great talk today, the part about community tone really landed."),
    ("fennickgoods", "Good question! The lid is dishwasher safe, the handle is not."),
    ("lenaphotos", "Can't wait to see the final edit."),
    ("mara_builds", "Tell your cat I said hi."),
    ("gullsfc_fanzone", "Best match of the season, no contest."),
    ("devonk_eats", "Adding it to the list. The list is very long now."),
    ("the_rileyb", "Proud of you for finishing! That's huge."),
    ("samir_tran", "Let's grab lunch next week and catch up."),
    ("oakhill_runners", "Count me in for Sunday's long run."),
    ("lenaphotos", "That octopus knew exactly what it was doing."),
    ("fennickgoods", "We'll pass this on to the product team, thank you!"),
    ("mara_builds", "Honestly iconic behavior."),
    ("gullsfc_fanzone", "Cautiously optimistic is the only way to be a Gulls fan."),
    ("oakhill_runners", "Recovery week is the best week."),
]

REPLIES_SPICY = [
    ("portalden_news", "The council found money for a parking garage but not for the after-school program?"),
    ("samir_tran", "The bill is 300 pages and half of it is tax breaks. Read section 9 first."),
    ("the_rileyb", "Protesting is a right. Blocking an ambulance is not. Both things can be true."),
    ("portalden_news", "Turnout this low in a school board race should worry everyone, whatever your side."),
    ("mara_builds", "A climate policy that only works if everyone buys a 60k car is not for my street."),
    ("samir_tran", "Respectfully, a flat tax is not 'simple', it's just a tax cut with a nicer haircut."),
    ("the_rileyb", "Oh absolutely, another all-hands about 'synergy'. Can't wait."),
    ("mara_builds", "Wow, a brand apologizing with a notes-app screenshot. Bold and fresh."),
    ("portalden_news", "Can't wait for the 'temporary' bus detour to celebrate its third birthday."),
    ("samir_tran", "Sure, 'quick question' at 6 pm. Love that for us."),
    ("the_rileyb", "Honestly the whole day was a sh*tshow from the first meeting."),
    ("mara_builds", "That deadline is completely f-ing insane and everyone knows it."),
    ("portalden_news", "Third water main break this month. What the hell is going on down there."),
]

POLITICS = [
    "Polls are open until 8 tonight. Whatever you believe, go vote.",
    "Read the full text of the transit bill before the council vote. The funding section is a mess.",
    "The city council just voted to cut library hours again. Libraries are not a luxury.",
    "Huge crowd at the climate march downtown today. Young people are not going to let this go.",
    "A carbon tax that hits working families hardest is not climate policy, it's a cash grab.",
    "Measure 12 would raise property taxes to fund new schools. I'm voting yes and I'm not sorry.",
    "Measure 12 is a blank check for a school board that can't balance a budget. Vote no.",
    "Whoever wins the governor's race, please just fix the roads.",
    "The new immigration rules are going to split up families who have lived here for decades.",
    "Border security is a real issue and pretending otherwise doesn't help anyone.",
    "Watched the debate last night. Neither candidate answered a single question about housing.",
    "Rent control is the only thing keeping my neighbors in this city.",
    "Rent control never works. Build more housing and prices come down.",
    "Protest outside city hall about the police budget. Peaceful, loud, and a lot bigger than I expected.",
    "Defunding police is how you get more crime, not less. Fund training, not slogans.",
    "The senate just passed the Clean Transit Act. Years of organizing finally paid off.",
    "Gas prices are up again and Congress is busy arguing about committee names.",
    "Both parties promised to lower health care costs. My premium went up 18% this year.",
    "The union vote at the warehouse passed. Workers deserve a seat at the table.",
    "Minimum wage hikes kill small businesses. Ask any cafe owner on my street.",
    "Early voting starts Monday. Check your registration, it takes two minutes.",
    "Solar panels on every school roof. This should not be controversial.",
    "Offshore drilling ban is going to cost this region thousands of jobs. Nobody in the capital cares.",
    "The court ruling on the voting map is a big deal and nobody is talking about it.",
    "Free speech means you also have to hear people you disagree with. That's the deal.",
    "Tax the rich is not a policy, it's a bumper sticker. Show me the numbers.",
    "Councilmember Dray voted against the bike lane funding again. Remember that in November.",
    "Mandatory masks on transit are back. Fine by me, I just want the buses running.",
    "The pension reform protests shut down the whole center of town. The government should listen.",
    "Banning books from school libraries is not protecting kids. It's politics.",
    "Parents should have a say in what their kids read at school. That's not censorship.",
    "Sanctions are only going to hurt ordinary people, not the regime.",
    "Another mass shooting, another round of thoughts and prayers. Pass the background check bill.",
    "Gun rights are constitutional rights. Stop punishing law-abiding owners.",
    "Election night. Whatever happens, the world keeps turning tomorrow. Drink water.",
    "Turnout in our district was the highest in 30 years. Democracy works when people show up.",
    "The Green Party candidate actually had the best answer on water policy. Wild year.",
    "If your climate plan is 'plant some trees and hope', you don't have a climate plan.",
    "Proud to march in the Pride parade with the Fennick team today. Love is love.",
    "The capital gains tax proposal is going to hit small investors, not billionaires.",
]

PROFANE = [
    "This printer is a piece of sh*t and I am going to throw it into the harbor.",
    "Who the f*ck schedules a 4:45 pm meeting on a Friday.",
    "Spilled an entire iced coffee on my laptop. FFS.",
    "Traffic on the bridge is f***ing unbelievable today.",
    "Damn, that was a good burger.",
    "The wifi at this conference is absolute garbage, what the hell.",
    "Holy shit the Gulls just scored from the halfway line.",
    "My code broke the scheduling tool again. Sh1t sh1t sh1t.",
    "Woke up at 5 to a fire alarm test. Fuuuuck this building.",
    "Hell yes, we got the partnership deal!",
    "Stubbed my toe on the same damn table for the third time this week.",
    "Why is every streaming service a pain in the a$$ to cancel.",
    "That referee should be banned. Absolute bullshit call.",
    "Tax software crashed right before I hit submit. Are you f-ing kidding me.",
    "Lost my keys, my wallet and my will to live. What a crap morning.",
    "The bus drove right past me. Bastard.",
    "Can't believe I paid 14 bucks for this sad ass sandwich.",
    "Power cut in the middle of a live stream. Fml.",
    "I swear to god if one more app asks me to rate it.",
    "Three days of rain, a leaky roof, and now the fridge died. Screw this week.",
    "Locked out of the brand account by two-factor. This is some bullsh!t.",
    "Gulls bottled it again. F*cking typical.",
]

INSULTS = [
    "Sorry but whoever designed the new office seating plan is a complete idiot.",
    "Some customers really are too dumb to read a care label. It says hand wash. In bold.",
    "The agency we hired is a bunch of clueless clowns. Six weeks for one logo.",
    "Our rival's new ad campaign is so bad it has to be written by a toddler. Pathetic.",
    "That guy from the vendor meeting is the most useless human I have ever met.",
    "If you leave a one-star review because YOU dropped the mug, you are a moron.",
    "The new regional manager is a spineless yes-man and everybody knows it.",
    "Imagine being such a loser that you troll a cookware brand's comments all day.",
    "To the guy who keeps stealing lunches from the office fridge: you're a pathetic excuse for an adult.",
    "Half the marketing 'gurus' on this site are brainless frauds selling courses.",
]

SNARK = [
    "Oh great, another Monday. Just what I needed.",
    "Love how the 'quick sync' turned into a 90 minute meeting. Truly living the dream.",
    "Nothing says innovation like a rebrand that changes the font size.",
    "Oh sure, let's move the launch up a week. What could possibly go wrong.",
    "My favorite part of working in social media is being told 'just make it go viral'.",
    "Wow, another app update that moves every button. Thank you so much for this gift.",
    "Yes, I would love to hear more about how your nephew could run our account for free.",
    "Ah yes, the classic 'per my last email' season has begun.",
    "Fantastic, the algorithm changed again. I was getting bored anyway.",
    "Nothing like a surprise reply-all to 400 people to bring a company together.",
    "Can't wait for our rivals to copy this campaign in three weeks. Flattered in advance.",
    "Love paying 7 dollars for a coffee that tastes like a candle.",
    "Oh good, the 'urgent' request came in at 5:58 pm. My favorite.",
    "Breaking news: man who has never posted anything explains social media strategy to me.",
    "Great to see the airline has perfected the art of the three hour delay.",
    "Another 'thought leader' discovered that customers like good products. Groundbreaking.",
    "Sure, I'll just make the logo bigger. And also smaller. At the same time.",
    "So glad my landlord fixed the heating. In June.",
    "Can't believe I get paid to read comments like 'first'. Living the dream.",
    "What a shock, the 'five minute survey' took twenty minutes.",
    "Oh wonderful, the city is repaving the same street for the fourth time this year.",
    "Amazing how every meeting could have been an email and every email could have been nothing.",
    "Our competitor's new slogan is 'quality you can feel'. Bold of them to assume we can't.",
]

HATEFUL = [
    "Honestly every new immigrant family on my street just lowers the standards of the whole neighborhood.",
    "Women just aren't built for leadership roles, and the last three managers proved it.",
]

FOREIGN = [
    ("es", "Hoy probé el mejor café de toda la ciudad. Vale la pena cada centavo."),
    ("es", "¡Qué partido! Los Gulls ganaron en el último minuto."),
    ("es", "Fin de semana en la playa con la familia. No necesito nada más."),
    ("de", "Endlich Wochenende. Ich gehe heute nur wandern und sonst gar nichts."),
    ("de", "Das neue Produkt ist da und die Verpackung ist wirklich schön geworden."),
    ("de", "Kurzer Ausflug nach Hamburg. Fischbrötchen am Hafen, perfekt."),
    ("fr", "Petit déjeuner au soleil, croissant et café. La vie est belle."),
    ("fr", "Réunion d'équipe très productive ce matin, bravo à tous."),
    ("fr", "Quelqu'un connaît une bonne boulangerie près du port ?"),
    ("es", "Gracias a todos por venir a nuestro evento. ¡Fue increíble!"),
    ("de", "Was für ein Chaos heute im Büro, aber wir haben es geschafft."),
]

RETWEETS = [
    ("fennickgoods", "Meet the Harbor Fog collection: mugs, bowls and plates in our calmest color yet. "
                     "Available Thursday."),
    ("portalden_news", "Ferry service to the islands resumes Monday after repairs to the north dock."),
    ("gullsfc_fanzone", "FULL TIME: Gulls 3, Rovers 1. Top of the table!"),
    ("mara_builds", "Hiring: a junior designer who loves type and isn't afraid of spreadsheets. DM me."),
    ("climatenow_pa", "Thousands joined today's march for a faster transition to clean energy. "
                      "The message to the council was clear."),
    ("portalden_news", "City council approves the new bike lane plan on Harbor Road, 7 votes to 4."),
    ("devonk_eats", "Best damn tacos in Port Alden, and I will not be taking criticism at this time."),
    ("lenaphotos", "Golden hour at the old lighthouse. No filter needed."),
    ("taxwatch_pa", "The property tax measure would add roughly 300 dollars a year to the average bill. "
                    "Here's the breakdown, with every number sourced from the budget office and the "
                    "county assessor's latest figures for 2024…"),
]

QUOTES = [
    ("portalden_news", "This is the best news I've heard all month.", "harmless"),
    ("fennickgoods", "The whole team worked so hard on this. Go look!", "harmless"),
    ("gullsfc_fanzone", "Told you. I told all of you.", "harmless"),
    ("taxwatch_pa", "Read this before you vote on Measure 12. It's not what the ads say.", "politics"),
    ("rivalhome_co", "Lol imagine paying an agency for this. Embarrassing.", "insult"),
    ("portalden_news", "Oh good, another 'temporary' road closure. See you in 2030.", "snark"),
]

NOTE_LONG = (
    "A few thoughts after three years of running a brand account, because people keep asking me how I "
    "deal with the comments. First: most people are kind, and the loud ones are a tiny minority. Second: "
    "never reply angry. Write the reply, close the app, walk around the block, and then delete the reply. "
    "Third: your community will tell you exactly what they want if you actually read what they write. "
    "Half of our best product ideas came from a comment section. Fourth: take breaks. Mute your work "
    "notifications on weekends. The internet will still be there on Monday, and so will you. "
    "Thanks to everyone who has made this job so much fun."
)
NOTE_REPLY = (
    "Honestly the whole thing was a mess from the start & I don't blame the support team at all. The "
    "supplier shipped the wrong lids, the warehouse caught it, and then the courier lost two pallets on "
    "top of that. We refunded every single order that was affected and we're sending replacements "
    "this week at no cost. If you're still waiting on something, message the brand account with your "
    "order number and I'll personally make sure it gets sorted. Sorry for the hassle, really."
)

DELETED = [
    ("profane", "Our biggest client just cancelled the contract by text. F*ck this industry, seriously."),
    ("insult", "Shoutout to the customer who called me at home to yell about a spatula. Get a life, you "
               "absolute lunatic."),
    ("hate", "Maybe if these people learned the language first they wouldn't keep messing up every "
             "order. Typical of their kind."),
    ("politics", "Anyone who votes for this bill is a traitor to this city and should be run out of it."),
    ("snark", "Congrats to the rival brand for launching the exact product we launched last year. "
              "Very original."),
    ("harmless", "Testing the new scheduling tool, ignore me."),
]

EXTRAS = [
    # HTML entities: full_text escapes &, <, >; the last one contains a literal "&lt;" the user typed.
    "Salt & pepper, olive oil & lemon: the only dressing you need <3",
    "Engagement this quarter: 2.1% -> 3.4%. Not bad for a kitchenware brand.",
    "TIL in HTML you have to type &lt; to show a less-than sign. Web dev friends, is this still true?",
    "Q&A with our head of product at 3 pm today. Bring your weirdest cookware questions.",
]
LINKS = [
    ("Our guide to caring for cast iron is live:", "https://fennick.example/journal/cast-iron-care"),
    ("Wrote a short post about building a content calendar that doesn't burn you out:",
     "https://jordanreyes.example/notes/calm-calendar"),
    ("The recycled packaging story, told properly:", "https://fennick.example/journal/packaging"),
    ("Useful read on writing better alt text:", "https://accessibility.example/alt-text-basics"),
]
EMOJI = ["🎉🎉🎉", "☕️🌧️📚", "⚽️🔥"]


# -- building the archive -----------------------------------------------------------------------------------

def snowflake(when: datetime, rng: random.Random) -> str:
    """A realistic X id for a time (ids are time-ordered and far above 2^53)."""
    ms = int(when.timestamp() * 1000) + rng.randrange(1000)
    return str(((ms - TWITTER_EPOCH_MS) << 22) | rng.randrange(1 << 22))


def twitter_time(when: datetime) -> str:
    return when.strftime("%a %b %d %H:%M:%S +0000 %Y")  # the build runs in any locale: %a/%b are C here


def iso_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def escape(text: str) -> str:
    """full_text is HTML-escaped in the archive (& < > only)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tco(rng: random.Random) -> str:
    return "https://t.co/" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")
                                     for _ in range(10))


class Builder:
    """Collects the items of tweets.js, note-tweet.js and deleted-tweets.js."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.tweets: list[dict] = []
        self.deleted: list[dict] = []
        self.notes: list[dict] = []

    def when(self, near: datetime | None = None) -> datetime:
        rng = self.rng
        if near is not None:
            base = near + timedelta(days=rng.uniform(-20, 20))
        else:
            base = START + timedelta(seconds=rng.uniform(0, (END - START).total_seconds()))
        # people post in the daytime, Port Alden time (UTC-5ish)
        return base.replace(hour=rng.choice([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 2]),
                            minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)

    def tweet(self, text: str, when: datetime, *, lang: str = "en", reply_to: str | None = None,
              urls: tuple[str, ...] = (), display_end: int | None = None,
              tid: str | None = None, edit: dict | None = None) -> dict:
        rng = self.rng
        tid = tid or snowflake(when, rng)
        entities: dict = {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}
        full = text
        for expanded in urls:  # links are written as t.co in full_text, the real address in entities.urls
            short = tco(rng)
            full = f"{full} {short}" if full else short
            start = len(full) - len(short)
            entities["urls"].append({"url": short, "expanded_url": expanded,
                                     "display_url": expanded.split("://", 1)[1][:26] + "…",
                                     "indices": [str(start), str(start + len(short))]})
        full = escape(full)
        until = iso_time(when + timedelta(hours=1))
        tweet: dict = {
            "edit_info": edit or {"initial": {"editTweetIds": [tid], "editableUntil": until,
                                              "editsRemaining": "5", "isEditEligible": not reply_to}},
            "retweeted": False,
            "source": SOURCES[rng.randrange(2)],
            "entities": entities,
            "display_text_range": ["0", str(display_end if display_end is not None else len(full))],
            "favorite_count": str(int(3 * rng.paretovariate(1.2)) - 3),
            "id_str": tid,
            "truncated": False,
            "retweet_count": str(int(rng.paretovariate(2.0)) - 1),
            "id": tid,
            "created_at": twitter_time(when),
            "favorited": False,
            "full_text": full,
            "lang": lang,
        }
        if reply_to:
            tweet["in_reply_to_status_id_str"] = tweet["in_reply_to_status_id"] = snowflake(
                when - timedelta(minutes=rng.randrange(5, 300)), rng)
            user_id = str(rng.randrange(10**8, 10**18))
            tweet["in_reply_to_user_id_str"] = tweet["in_reply_to_user_id"] = user_id
            tweet["in_reply_to_screen_name"] = reply_to
            entities["user_mentions"].append({"name": reply_to, "screen_name": reply_to, "indices": [
                "0", str(len(reply_to) + 1)], "id_str": tweet["in_reply_to_user_id_str"],
                "id": tweet["in_reply_to_user_id_str"]})
        return tweet

    def add(self, text: str, when: datetime | None = None, **kw) -> dict:
        tweet = self.tweet(text, when or self.when(), **kw)
        self.tweets.append({"tweet": tweet})
        return tweet

    def note(self, text: str, *, reply_to: str | None = None) -> None:
        """A long post: cut to ~270 characters in tweets.js, full text in note-tweet.js (its own id)."""
        when = self.when()
        prefix = f"@{reply_to} " if reply_to else ""
        cut = text[:270].rsplit(" ", 1)[0] + "…"
        self.add(prefix + cut, when, reply_to=reply_to, display_end=len(prefix) + len(cut))
        self.notes.append({"noteTweet": {
            "noteTweetId": snowflake(when - timedelta(seconds=1), self.rng),
            "updatedAt": iso_time(when), "lifecycle": {"name": "Active"},
            "createdAt": iso_time(when),
            "core": {"styletags": [], "urls": [], "text": escape(text), "mentions": [], "cashtags": [],
                     "hashtags": []},
        }})

    def build(self) -> None:
        rng = self.rng
        texts = list(HARMLESS) + POLITICS + PROFANE + INSULTS + SNARK + HATEFUL + EXTRAS
        # Slot-filled everyday posts, drawn without repeats so none reads twice.
        combos = [f"Made {f} tonight. {e}" for f in FOODS for e in FOOD_ENDS]
        combos += [f"Long walk around {p} after work. {e}" for p in PLACES for e in PLACE_ENDS]
        combos += [f"{w} today. {e}" for w in WORK for e in WORK_ENDS]
        texts += rng.sample(combos, 70)
        election = datetime(2024, 11, 5, tzinfo=timezone.utc)
        for text in texts:
            near = election if text in POLITICS and rng.random() < 0.45 else None
            self.add(text, self.when(near))
        for label, url in LINKS:
            self.add(label, urls=(url,))
        for handle, text in REPLIES_HARMLESS:
            self.add(f"@{handle} {text}", reply_to=handle)
        for handle, text in REPLIES_SPICY:
            self.add(f"@{handle} {text}", reply_to=handle)
        self.add("@rivalhome_co Your customer service is a joke and so is your entire product line.",
                 reply_to="rivalhome_co")
        self.add("@gullsfc_fanzone @the_rileyb Still can't believe that save in the last minute.",
                 reply_to="gullsfc_fanzone")
        # A tweet that only starts with an @mention: user id but no status id (formats.md §1).
        mention = self.add("@mara_builds you have to see the new studio, it's gorgeous.")
        mention["in_reply_to_user_id_str"] = mention["in_reply_to_user_id"] = "40028922"
        for lang, text in FOREIGN:
            self.add(text, lang=lang)
        for handle, text in RETWEETS:
            rt = f"RT @{handle}: {text}"
            self.add(rt[:139] + "…" if len(rt) > 140 else rt)
        for handle, text, _ in QUOTES:
            when = self.when()
            quoted = snowflake(when - timedelta(minutes=rng.randrange(10, 600)), rng)
            self.add(text, when, urls=(f"https://twitter.com/{handle}/status/{quoted}",))
        for emoji in EMOJI:
            self.add(emoji, lang="und")
        self._photo_only()
        self.note(NOTE_LONG)
        self.note(NOTE_REPLY, reply_to="fennickgoods")
        self._edited()
        for _, text in DELETED:
            when = self.when()
            tweet = self.tweet(text, when)
            tweet["deleted_at"] = twitter_time(when + timedelta(hours=rng.randrange(1, 2000)))
            self.deleted.append({"tweet": tweet})
        self.tweets.sort(key=lambda t: -int(t["tweet"]["id_str"]))  # the archive lists newest first

    def _photo_only(self) -> None:
        """A photo without words: full_text is only the media t.co link, listed under entities.media."""
        tweet = self.add(tco(self.rng), lang="zxx")
        tid, short = tweet["id_str"], tweet["full_text"]
        tweet["entities"]["media"] = [{
            "url": short, "expanded_url": f"https://twitter.com/{USER}/status/{tid}/photo/1",
            "display_url": "pic.twitter.com/" + short.rsplit("/", 1)[1], "type": "photo",
            "media_url_https": f"https://pbs.twimg.com/media/{short.rsplit('/', 1)[1]}.jpg",
            "id_str": tid, "id": tid, "indices": ["0", str(len(short))]}]
        tweet["display_text_range"] = ["0", "0"]

    def _edited(self) -> None:
        """One post edited once: both versions are in tweets.js, linked by edit_info."""
        when = self.when()
        first = snowflake(when, self.rng)
        second = snowflake(when + timedelta(minutes=3), self.rng)
        until = iso_time(when + timedelta(hours=1))
        chain = {"editTweetIds": [first, second], "editableUntil": until, "editsRemaining": "4",
                 "isEditEligible": True}
        self.add("Our new collection launches tomorow at 9!", when, tid=first, edit={"initial": chain})
        self.add("Our new collection launches tomorrow at 9!", when + timedelta(minutes=3), tid=second,
                 edit={"edit": {"initialTweetId": first, "editControlInitial": chain}})


def js(global_name: str, value: object) -> bytes:
    """A data file as X writes it: ``window.YTD.x.part0 = [`` with 2-space indent and ``" : "``."""
    body = json.dumps(value, indent=2, ensure_ascii=False, separators=(",", " : "))
    return f"window.{global_name} = {body}".encode()


def members() -> dict[str, bytes]:
    b = Builder()
    b.build()
    files = {
        "data/tweets.js": ("YTD.tweets.part0", b.tweets),
        "data/note-tweet.js": ("YTD.note_tweet.part0", b.notes),
        "data/deleted-tweets.js": ("YTD.deleted_tweets.part0", b.deleted),
        "data/account.js": ("YTD.account.part0", [{"account": {
            "email": "jordan.reyes@fennick.example", "createdVia": "web", "username": USER,
            "accountId": ACCOUNT_ID, "createdAt": "2014-06-11T18:22:40.000Z", "accountDisplayName": NAME}}]),
    }
    out = {name: js(glob, items) for name, (glob, items) in files.items()}
    size = sum(len(v) for v in out.values())

    def entry(name: str) -> dict:
        glob, items = files[name]
        return {"files": [{"fileName": name, "globalName": glob, "count": str(len(items))}]}

    manifest = {
        "userInfo": {"accountId": ACCOUNT_ID, "userName": USER, "displayName": NAME},
        "archiveInfo": {"sizeBytes": str(size), "generationDate": iso_time(GENERATED),
                        "isPartialArchive": False, "maxPartSizeBytes": "53687091200"},
        "readmeInfo": {"fileName": "data/README.txt", "directory": "data/", "globalName": "YTD.readme"},
        "dataTypes": {
            "account": entry("data/account.js"),
            "deletedTweets": entry("data/deleted-tweets.js"),
            "noteTweet": entry("data/note-tweet.js"),
            "tweets": {**entry("data/tweets.js"), "mediaDirectory": "data/tweets_media"},
        },
    }
    out["data/manifest.js"] = js("__THAR_CONFIG", manifest)
    out["data/README.txt"] = (b"Synthetic demo archive for auditor. Jordan Reyes is a fictional person; "
                              b"every post in it was invented.\n")
    out["Your archive.html"] = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Your archive</title>'
        f"</head>\n<body><h1>{NAME} (@{USER})</h1><p>A synthetic demo archive: this person does not exist "
        "and every post was invented for the auditor demo.</p></body></html>\n").encode()
    return out


def write(path: Path) -> Path:
    """Write the zip with fixed timestamps and member order, so every build has the same bytes."""
    path = Path(path)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in sorted(members().items()):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    return path


if __name__ == "__main__":
    print(write(Path(__file__).resolve().parent / "demo-archive.zip"))
