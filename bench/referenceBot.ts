/**
 * The reference: the minimum a Bot Framework bot is — restify + CloudAdapter + a 3-step
 * waterfall on MemoryStorage, as in the official samples. Run as its own process by the
 * benchmark (PORT from the environment), so its latency and memory are measured alone.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, MemoryStorage, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import restify from 'restify';

const conversationState = new ConversationState(new MemoryStorage());
const dialogs = new DialogSet(conversationState.createProperty('dialogState'));
dialogs.add(new TextPrompt('text'));
dialogs.add(
  new WaterfallDialog('main', [
    async (step: WaterfallStepContext) => step.prompt('text', { prompt: 'What is the cause?' }),
    async (step: WaterfallStepContext) => step.prompt('text', { prompt: `Cause: ${String(step.result)}. Any other channel?` }),
    async (step: WaterfallStepContext) => {
      await step.context.sendActivity(`Answer: ${String(step.result)}. Done.`);
      return step.endDialog();
    },
  ]),
);

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const run = async (context: TurnContext) => {
  const dc = await dialogs.createContext(context);
  const result = await dc.continueDialog();
  if (result.status === DialogTurnStatus.empty) await dc.beginDialog('main');
  await conversationState.saveChanges(context);
};

const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, run);
});
server.listen(Number(process.env.PORT ?? 3979), '127.0.0.1');
